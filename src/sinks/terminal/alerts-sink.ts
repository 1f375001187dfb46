// Alerts to stdout: `ndjson` streams one document per line as they fire; `json` prints one array at
// the end; `table` prints readable rows at the end, in time order; `none` prints nothing.
import type { Alert } from '../../core/alert.js';
import type { Sink } from '../../core/contracts.js';
import { alertLine } from './format.js';

export type AlertFormat = 'table' | 'ndjson' | 'json' | 'none';

export function createAlertsSink(format: AlertFormat, out: NodeJS.WritableStream, color: boolean): Sink & { alerts: Alert[] } {
  const kept: Alert[] = [];
  return {
    name: 'alerts-stdout',
    alerts: kept,
    async write(batch) {
      if (format === 'ndjson') {
        if (batch.alerts.length) out.write(`${batch.alerts.map((a) => JSON.stringify(a)).join('\n')}\n`);
      } else if (format !== 'none') kept.push(...batch.alerts);
    },
    async close() {
      if (format === 'json') out.write(`${JSON.stringify(kept, null, 2)}\n`);
      if (format === 'table' && kept.length) {
        kept.sort((a, b) => a['@timestamp'].localeCompare(b['@timestamp']));
        out.write(`${kept.map((a) => alertLine(a, color)).join('\n')}\n`);
      }
    },
  };
}
