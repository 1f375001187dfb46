import type { Sink } from '../../core/contracts.js';
import { NdjsonWriter } from './ndjson-writer.js';

/**
 * Alerts as NDJSON, one document per line, appended (several runs accumulate). With throttling, a
 * burst's summary follows its first alert under the same `alert.id`: the last line of an id wins.
 */
export function createAlertsFileSink(path: string): Sink & { readonly count: number } {
  const writer = new NdjsonWriter(path, 'a');
  let count = 0;
  return {
    name: `alerts-file ${path}`,
    get count() {
      return count;
    },
    write(batch) {
      const n = batch.alerts.length;
      if (!n) return Promise.resolve();
      return writer.write(batch.alerts.map((a) => JSON.stringify(a))).then(() => {
        count += n;
      });
    },
    close: () => writer.close(),
  };
}
