import type { ProcessedBatch, SourceBatch } from './batch.js';

/**
 * A source yields batches until it is exhausted (a scan) or stopped (a long-lived pipeline). It must
 * not yield unboundedly ahead of acknowledgements: the pipeline pulls the next batch only when it has
 * room, which is the backpressure.
 */
export interface Source {
  readonly name: string;
  batches(signal: AbortSignal): AsyncIterable<SourceBatch>;
  close(): Promise<void>;
}

/**
 * A sink's `write` resolves only once the batch is durable in that sink (committed transaction,
 * acknowledged bulk request, flushed file). Rejecting means the batch was not taken. A `write` that
 * waits should take what it needs from the batch and wait without it: an async function keeps its
 * arguments until it returns, and a batch held through a commit or a bulk round trip (thousands of
 * objects) is copied by every young-generation GC meanwhile, then promoted to the old one.
 */
export interface Sink {
  readonly name: string;
  open?(): Promise<void>;
  write(batch: ProcessedBatch): Promise<void>;
  close(): Promise<void>;
}
