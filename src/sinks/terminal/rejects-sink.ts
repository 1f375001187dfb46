// `file:line: reason` on stderr for rejected input, the first few in full, then a count, so a
// wrong file does not bury the terminal.
import type { Sink } from '../../core/contracts.js';
import { formatOrigin } from '../../core/record.js';

export function createRejectsReporter(err: NodeJS.WritableStream, limit = 20): Sink & { readonly count: number } {
  let count = 0;
  return {
    name: 'rejects-stderr',
    get count() {
      return count;
    },
    async write(batch) {
      for (const r of batch.rejected) {
        if (count++ < limit) err.write(`${formatOrigin(r.origin)}: ${r.reason}\n`);
      }
    },
    async close() {
      if (count > limit) err.write(`… and ${count - limit} more rejected records\n`);
    },
  };
}
