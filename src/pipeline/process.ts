// The work between source and sinks: decode, enrich, detect. On this thread (processRecords) or on
// worker threads (parallel/pool.ts); either way sinks get the same ProcessedBatch.
import { availableParallelism } from 'node:os';
import type { Alert } from '../core/alert.js';
import type { ProcessedBatch, SourceBatch } from '../core/batch.js';
import type { RawRecord } from '../core/record.js';
import type { Catalogue, LoadOptions } from '../detect/catalogue.js';
import { createDetector } from '../detect/engine.js';
import type { EnrichOptions } from '../enrich/enrich.js';
import type { Shipping } from './parallel/messages.js';
import { splitLineChunk } from '../sources/file/line-chunk.js';
import { createWorkerPool } from './parallel/pool.js';
import { decodeAndEnrich, enrichRecords, type Stages } from './stages.js';

export type { Stages } from './stages.js';

/** Turns a source batch into what sinks take, in the order batches are given. */
export interface Processor {
  process(batch: Input): Processed | Promise<Processed>;
  /** How many batches may be in process at once: more than one only when the work is on other threads. */
  readonly concurrency: number;
  close?(): Promise<void>;
}

/** A source batch's contents: records, or JSON lines still as bytes. */
export type Input = Pick<SourceBatch, 'records' | 'lines'>;

/** What sinks take, and how many records the input held (known only once line chunks are split). */
export type Processed = ProcessedBatch & { records: number };

export function recordsOf(input: Input): RawRecord[] {
  return input.lines ? splitLineChunk(input.lines) : input.records;
}

export function processRecords(stages: Stages, records: RawRecord[]): Processed {
  const { events, rejected } = enrichRecords(stages, records);
  const alerts: Alert[] = stages.detector ? stages.detector.detect(events) : [];
  return { events, alerts, rejected, records: records.length };
}

export function inThread(stages: Stages): Processor {
  return { process: (input) => processRecords(stages, recordsOf(input)), concurrency: 1 };
}

export interface ProcessorOptions {
  /** Worker threads for decode, enrich and matching; 0 runs everything on this thread. */
  workers: number;
  defaultCluster: string;
  redact: EnrichOptions['redact'];
  catalogue: Catalogue;
  /** How the workers load the same catalogue (the user's tuning). */
  catalogueOptions: LoadOptions;
  /** What the sinks read: workers ship only that. */
  ship: Shipping;
}

export function createProcessor(o: ProcessorOptions): Processor {
  if (o.workers > 0) return createWorkerPool({ workers: o.workers, defaultCluster: o.defaultCluster, redact: o.redact, catalogue: o.catalogueOptions, ship: o.ship, loaded: o.catalogue });
  return inThread({ ...decodeAndEnrich(o.catalogue, o.defaultCluster, o.redact), detector: createDetector(o.catalogue) });
}

/**
 * `auto`: one worker per core when there are at least two cores, enough input to repay their
 * start-up (about 0.3 s each: modules and catalogue) and no sink reads events' own JSON. Measured on
 * two cores (bench/): alerts only, two workers scan 1 GB 31–36% faster, but 64 MB 28% slower; with
 * `--out` (documents come back as bytes) 1 GB in 10.9 s instead of 22.1 s, at ~400 instead of ~180 MB
 * peak RSS (`--workers 0` for the smaller footprint). With `--store` they were twice as slow: the
 * store's writer thread needs the second core.
 */
export function resolveWorkers(setting: number | 'auto', inputBytes: number, ship: Shipping, cores = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return cores >= 2 && inputBytes >= AUTO_WORKERS_MIN_BYTES && !ship.events ? cores : 0;
}

const AUTO_WORKERS_MIN_BYTES = 256 * 1024 * 1024;
