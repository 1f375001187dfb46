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
}

export function processRecords(parts: Omit<PipelineParts, 'source' | 'sinks'>, batch: Pick<SourceBatch, 'records'>): ProcessedBatch {
  const decoded = parts.decoder.decode(batch.records);
  const events = parts.enrich(decoded.events);
  const alerts: Alert[] = parts.detector ? parts.detector.detect(events) : [];
  return { events, alerts, rejected: parts.enrich.rejected(decoded.rejected) };
}

export async function runPipeline(parts: PipelineParts, options: RunOptions = {}): Promise<PipelineStats> {
  const signal = options.signal ?? new AbortController().signal;
  const maxInFlight = options.maxInFlight ?? 2;
  const stats: PipelineStats = { batches: 0, records: 0, events: 0, rejected: 0, alerts: 0, alertsBySeverity: { low: 0, medium: 0, high: 0, critical: 0 } };
  for (const s of parts.sinks) await s.open?.();
  const inFlight: Promise<void>[] = [];
  let previous: Promise<void> = Promise.resolve();
  try {
    for await (const batch of parts.source.batches(signal)) {
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
      const acked = Promise.all([previous, written]).then(
        () => batch.ack(),
        (e: Error) => {
          batch.fail(e);
          throw e;
        },
      );
      previous = acked;
      inFlight.push(acked);
      if (inFlight.length >= maxInFlight) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    for (const s of parts.sinks) await s.close();
    await parts.source.close();
  }
  return stats;
}
