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
   * Hands a processed batch to the sinks, then waits while `maxInFlight` writes are pending. The
   * batch is referenced only by the frame that hands it over, so it can be collected as soon as the
   * sinks have taken it, not when the writes before it are acknowledged.
   */
  async function deliver(entry: (typeof processing)[number]): Promise<void> {
    const handed = await handOver(entry);
    if (!handed) return;
    const { acked } = handed;
    // Recorded in `failure` and thrown after the loop; handled here so an idle source cannot
    // leave it unhandled.
    inFlight.push(acked.catch(() => undefined));
    if (inFlight.length >= maxInFlight) await inFlight.shift();
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
    stats.batches++;
    stats.records += processed.records;
    stats.events += processed.events.length;
    stats.rejected += processed.rejected.length;
    stats.alerts += processed.alerts.length;
    for (const a of processed.alerts) stats.alertsBySeverity[a.rule.severity]++;
    options.onBatch?.(processed, stats);
    const written = Promise.all(parts.sinks.map((s) => s.write(processed)));
    // Acknowledge in source order: a later batch's ack waits for every earlier one.
    // A failure stays in the chain, so no later batch is acknowledged past a failed one.
    const acked = Promise.all([previous, written]).then(
      () => batch.ack(),
      (e: Error) => {
        failed(batch, e);
        throw e;
      },
    );
    previous = acked;
    // Wrapped: an async function returning the promise itself would wait for it.
    return { acked };
  }

  try {
    for await (const batch of parts.source.batches(signal)) {
      if (failure) {
        batch.fail(failure);
        break;
      }
      let result: Promise<Processed>;
      try {
        result = Promise.resolve(processor.process(batch));
      } catch (e) {
        result = Promise.reject(e as Error);
      }
      processing.push({ batch, result });
      if (processing.length >= processor.concurrency) await deliver(processing.shift()!);
      if (failure) break;
    }
    while (processing.length) await deliver(processing.shift()!);
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
