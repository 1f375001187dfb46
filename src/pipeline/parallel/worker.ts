// A worker thread of the pool: decode, enrich and match (the stateless part of detection) for the
// batches it is sent; documents are serialised and encoded here, so the main thread only moves bytes.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalogue } from '../../detect/catalogue.js';
import { createMatcher } from '../../detect/match.js';
import { splitLineChunk } from '../../sources/file/line-chunk.js';
import { decodeAndEnrich, enrichRecords } from '../stages.js';
import { packFacts } from '../../core/packed-facts.js';
import { encodeLines, packTexts, unpackRecords, type WorkerInit, type WorkFailure, type WorkRequest, type WorkResult } from './messages.js';

const init = workerData as WorkerInit;
const catalogue = loadCatalogue(init.catalogue);
const stages = decodeAndEnrich(catalogue, init.defaultCluster, init.redact);
const matcher = createMatcher(catalogue);
const port = parentPort!;

port.on('message', ({ seq, records, lines }: WorkRequest) => {
  try {
    const raw = lines ? splitLineChunk(lines) : unpackRecords(records!);
    const { events, rejected } = enrichRecords(stages, raw);
    const result: WorkResult = { seq, records: raw.length, count: events.length, rejected, findings: matcher.match(events) };
    if (init.ship.documents) result.docs = encodeLines(events.map((e) => e.json()));
    if (init.ship.events) result.events = packTexts(events.map((e) => e.eventJson()));
    if (init.ship.facts) result.facts = packFacts(events);
    port.postMessage(result, result.docs ? [result.docs.bytes.buffer as ArrayBuffer] : []);
  } catch (e) {
    port.postMessage({ seq, error: (e as Error).stack ?? String(e) } satisfies WorkFailure);
  }
});
