import type { Sink } from '../../core/contracts.js';
import { NdjsonWriter } from './ndjson-writer.js';

/** `--out FILE`: the event documents as Elasticsearch-ready NDJSON, one per line. */
export function createEventsFileSink(path: string): Sink {
  const writer = new NdjsonWriter(path, 'w');
  return {
    name: 'events-file',
    // Not async (nor below): the batch is let go once its lines are taken (core/contracts.ts Sink).
    write: (batch) => writer.write(batch.events.map((r) => r.documentLine?.() ?? r.json())),
    close: () => writer.close(),
  };
}
