// Builds the alert-only outputs of a pipeline file (NDJSON file, webhook) with their delivery and
// policy layers, and wraps the outputs that take alerts among other things (terminal, Kafka,
// Elasticsearch) in the same policy: severity floor, burst throttling, the link back to the events.
import type { Sink } from '../core/contracts.js';
import { resolveAlertWebhookConfig } from '../sinks/alert-webhook/config.js';
import { createAlertWebhookSender } from '../sinks/alert-webhook/sink.js';
import { createAlertsFileSink } from '../sinks/file/alerts-file-sink.js';
import { createAlertDelivery } from './alert-delivery.js';
import type { AlertLinkOptions } from './alert-link.js';
import { alertPolicyFrom, withAlertPolicy } from './alert-output.js';
import type { PipelineConfig } from './config.js';

type SinkConfig = PipelineConfig['sinks'][number];
type AlertOnlyConfig = Extract<SinkConfig, { type: 'alerts_file' | 'webhook' }>;

export function linkOptions(config: Pick<PipelineConfig, 'kibana'>): AlertLinkOptions | undefined {
  return config.kibana ? { kibanaUrl: config.kibana.url, eventsDataView: config.kibana.events_data_view } : undefined;
}

export function createAlertOutput(k: AlertOnlyConfig, at: (p: string) => string, signal: AbortSignal, link?: AlertLinkOptions): Sink {
  if (k.type === 'alerts_file') return withAlertPolicy(createAlertsFileSink(at(k.path)), alertPolicyFrom(k, link));
  const sender = createAlertWebhookSender(resolveAlertWebhookConfig(k, at));
  const delivery = createAlertDelivery(
    sender,
    { maxAttempts: k.max_attempts, initialBackoffMs: k.retry_initial_ms, maxBackoffMs: k.retry_max_ms, deadLetterPath: at(k.dead_letter), concurrency: k.concurrency },
    { signal },
  );
  return withAlertPolicy(delivery, alertPolicyFrom(k, link));
}

/** The same policy around an output that also takes events. */
export function withPolicyOf(sink: Sink, k: { min_severity: 'low' | 'medium' | 'high' | 'critical'; throttle_window_ms: number }, link?: AlertLinkOptions): Sink {
  return withAlertPolicy(sink, alertPolicyFrom(k, link));
}
