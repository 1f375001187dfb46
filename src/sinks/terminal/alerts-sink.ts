// Alerts to stdout: `ndjson` streams one document per line as they fire; `json` prints one array at
// the end; `table` prints readable rows at the end, in time order, with bursts of the same rule by
// the same actor folded into one row; `none` prints nothing. Alerts below `minSeverity` are counted
// but not printed.
import type { Alert, Severity } from '../../core/alert.js';
import { severityRank } from '../../core/alert.js';
import type { Sink } from '../../core/contracts.js';
import { alertLine, groupAlerts } from './format.js';

export type AlertFormat = 'table' | 'ndjson' | 'json' | 'none';

export function createAlertsSink(format: AlertFormat, out: NodeJS.WritableStream, color: boolean, minSeverity: Severity = 'low'): Sink & { alerts: Alert[]; hidden: number } {
  const kept: Alert[] = [];
  const floor = severityRank(minSeverity);
  const sink = {
    name: 'alerts-stdout',
    alerts: kept,
    hidden: 0,
    async write(batch: { alerts: Alert[] }) {
      const shown = batch.alerts.filter((a) => severityRank(a.rule.severity) >= floor);
      sink.hidden += batch.alerts.length - shown.length;
      if (format === 'ndjson') {
        if (shown.length) out.write(`${shown.map((a) => JSON.stringify(a)).join('\n')}\n`);
      } else if (format !== 'none') kept.push(...shown);
    },
    async close() {
      if (format === 'json') out.write(`${JSON.stringify(kept, null, 2)}\n`);
      if (format === 'table' && kept.length) {
        kept.sort((a, b) => a['@timestamp'].localeCompare(b['@timestamp']));
        out.write(`${groupAlerts(kept).map((g) => alertLine(g.first, color, g.more)).join('\n')}\n`);
      }
    },
  };
  return sink;
}
