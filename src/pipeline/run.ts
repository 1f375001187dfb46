// The pipeline: source → decode → enrich → detect → sinks, in batches, acknowledged to the source in
// order once every sink has taken it. The processor works on one batch at a time on this thread, or
// on several at once on worker threads (its `concurrency`); at most `maxInFlight` batches are being
// written at once; the source is not read further until one completes (backpressure).
import type { Severity } from '../core/alert.js';
import type { ProcessedBatch, SourceBatch } from '../core/batch.js';
import type { Sink, Source } from '../core/contracts.js';
import { inThread, type Processed, type Processor, type Stages } from './process.js';

/** The stages run on this thread, or a processor (worker threads). */
export type PipelineParts = { source: Source; sinks: Sink[] } & (Stages | { processor: Processor });

export interface PipelineStats {
  batches: number;
  records: number;
  events: number;
  rejected: number;
  alerts: number;
  alertsBySeverity: Record<Severity, number>;
}

export interface RunOptions {
  signal?: AbortSignal;
  maxInFlight?: number;
  onBatch?: (batch: ProcessedBatch, stats: PipelineStats) => void;
  /** Called once the sinks are open and the source is about to be read. */
  onStarted?: () => void;
}

export async function runPipeline(parts: PipelineParts, options: RunOptions = {}): Promise<PipelineStats> {
  const maxInFlight = options.maxInFlight ?? 2;
  const stats: PipelineStats = { batches: 0, records: 0, events: 0, rejected: 0, alerts: 0, alertsBySeverity: { low: 0, medium: 0, high: 0, critical: 0 } };
  // A failed write stops the source at once, even while it waits for input that may never come
  // (an idle webhook or topic); the failure is then the run's result.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let failure: Error | undefined;
  for (const s of parts.sinks) await s.open?.();
  options.onStarted?.();
  const processor = 'processor' in parts ? parts.processor : inThread(parts);
  const inFlight: Promise<void>[] = [];
  let previous: Promise<void> = Promise.resolve();
  /** Batches handed to the processor, oldest first; with worker threads several are in process at once. */
  const processing: { batch: SourceBatch; result: Promise<Processed> }[] = [];

  function failed(batch: SourceBatch, e: Error): void {
    batch.fail(e);
    failure ??= e;
    stop.abort();
  }

  /**
   * Hands the oldest batch in process to the sinks, then waits while `maxInFlight` writes are
   * pending. Nothing that waits here holds the batch: an async function keeps its arguments and
   * locals until it returns, so the processed batch is referenced only by handOver, which returns
   * once the sinks have taken it, and its records are dropped there (core/contracts.ts Sink).
   */
  function deliverOldest(): Promise<void> {
    return handOver(processing.shift()!).then(whileFull);
  }

  async function whileFull(handed: { acked: Promise<void> } | undefined): Promise<void> {
    if (!handed) return;
    // Recorded in `failure` and thrown after the loop; handled here so an idle source cannot
    // leave it unhandled.
    inFlight.push(handed.acked.catch(() => undefined));
    if (inFlight.length >= maxInFlight) await inFlight.shift();
  }

  /** Starts processing a batch; the result is kept with the batch, not in the caller's frame. */
  function begin(batch: SourceBatch): void {
    let result: Promise<Processed>;
    try {
      result = Promise.resolve(processor.process(batch));
    } catch (e) {
      result = Promise.reject(e as Error);
    }
    processing.push({ batch, result });
  }

  async function handOver({ batch, result }: (typeof processing)[number]): Promise<{ acked: Promise<void> } | undefined> {
    let processed: Processed;
    try {
      processed = await result;
    } catch (e) {
      failed(batch, e as Error);
      return undefined;
    }
    if (failure) {
      batch.fail(failure);
      return undefined;
    }
    // Processed: the records are not needed again (a failed batch is sent again by its source), and
    // the batch itself lives on until acknowledged.
    batch.records = [];
    delete batch.lines;
    stats.batches++;
    stats.records += processed.records;
    stats.events += processed.events.length;
    stats.rejected += processed.rejected.length;
    stats.alerts += processed.alerts.length;
    for (const a of processed.alerts) stats.alertsBySeverity[a.rule.severity]++;
    options.onBatch?.(processed, stats);
    const written: Promise<void>[] = [];
    for (const s of parts.sinks) written.push(write(s, processed));
    // Wrapped: an async function returning the promise itself would wait for it.
    return { acked: acknowledge(batch, written) };
  }

  /**
   * Acknowledges in source order: a later batch's ack waits for every earlier one. A failure stays
   * in the chain, so no later batch is acknowledged past a failed one. A function of its own: its
   * callbacks live until the writes end, and V8 keeps every variable that any closure of a function
   * uses for as long as one of its closures lives — in handOver, that was the processed batch.
   */
  function acknowledge(batch: SourceBatch, written: Promise<void>[]): Promise<void> {
    const acked = Promise.all([previous, ...written]).then(
      () => batch.ack(),
      (e: Error) => {
        failed(batch, e);
        throw e;
      },
    );
    previous = acked;
    return acked;
  }

  try {
    for await (const batch of parts.source.batches(signal)) {
      if (failure) {
        batch.fail(failure);
        break;
      }
      begin(batch);
      if (processing.length >= processor.concurrency) await deliverOldest();
      if (failure) break;
    }
    while (processing.length) await deliverOldest();
    await Promise.all(inFlight);
  } finally {
    for (const p of processing.splice(0)) p.result.then(() => p.batch.fail(failure ?? new Error('the pipeline stopped')), () => undefined);
    await Promise.allSettled(inFlight);
    await processor.close?.();
    for (const s of parts.sinks) await s.close();
    await parts.source.close();
  }
  if (failure) throw failure;
  return stats;
}

/** A sink's write as a promise, also when it throws before returning one. */
function write(sink: Sink, batch: ProcessedBatch): Promise<void> {
  try {
    return sink.write(batch);
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
