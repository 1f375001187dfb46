// The pipeline: source → decode → enrich → detect → sinks, one batch at a time, acknowledged to the
// source in order once every sink has taken it. At most `maxInFlight` batches are being written at
// once; the source is not read further until one completes (backpressure).
import type { Alert, Severity } from '../core/alert.js';
import type { ProcessedBatch, SourceBatch } from '../core/batch.js';
import type { Sink, Source } from '../core/contracts.js';
import type { Decoder } from '../decode/decode.js';
import type { Detector } from '../detect/engine.js';
import type { createEnricher } from '../enrich/enrich.js';

export interface PipelineParts {
  source: Source;
  decoder: Decoder;
  enrich: ReturnType<typeof createEnricher>;
  detector?: Detector;
  sinks: Sink[];
}

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

export function processRecords(parts: Omit<PipelineParts, 'source' | 'sinks'>, batch: Pick<SourceBatch, 'records'>): ProcessedBatch {
  const decoded = parts.decoder.decode(batch.records);
  const events = parts.enrich(decoded.events);
  const alerts: Alert[] = parts.detector ? parts.detector.detect(events) : [];
  return { events, alerts, rejected: parts.enrich.rejected(decoded.rejected) };
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
  const inFlight: Promise<void>[] = [];
  let previous: Promise<void> = Promise.resolve();
  try {
    for await (const batch of parts.source.batches(signal)) {
      if (failure) {
        batch.fail(failure);
        break;
      }
      const processed = processRecords(parts, batch);
      stats.batches++;
      stats.records += batch.records.length;
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
          batch.fail(e);
          failure ??= e;
          stop.abort();
          throw e;
        },
      );
      previous = acked;
      // Recorded in `failure` and thrown after the loop; handled here so an idle source cannot
      // leave it unhandled.
      inFlight.push(acked.catch(() => undefined));
      if (inFlight.length >= maxInFlight) await inFlight.shift();
      if (failure) break;
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    for (const s of parts.sinks) await s.close();
    await parts.source.close();
  }
  if (failure) throw failure;
  return stats;
}
