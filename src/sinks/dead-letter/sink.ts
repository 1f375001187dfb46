// Rejected input is never dropped: each goes to an NDJSON dead-letter file with its reason and origin,
// appended so several runs accumulate. The file is created only when something is rejected.
import type { Sink } from '../../core/contracts.js';
import { NdjsonWriter } from '../file/ndjson-writer.js';

export function createDeadLetterSink(path: string): Sink & { readonly count: number; readonly path: string } {
  const writer = new NdjsonWriter(path, 'a');
  let count = 0;
  return {
    name: 'dead-letter',
    path,
    get count() {
      return count;
    },
    write(batch) {
      if (batch.rejected.length === 0) return Promise.resolve();
      const at = new Date().toISOString();
      count += batch.rejected.length;
      return writer.write(batch.rejected.map((r) => JSON.stringify({ '@timestamp': at, reason: r.reason, origin: r.origin, cluster: r.cluster, text: r.text })));
    },
    close: () => writer.close(),
  };
}
