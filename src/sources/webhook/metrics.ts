// Prometheus metrics of the webhook source, on a registry of its own (no global singleton, so
// tests and several sources in one process do not collide). Names follow Vector's component
// metrics (STYLE.md §19) with a `component="webhook"` label.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type RejectReason =
  | 'not_found'
  | 'method'
  | 'content_type'
  | 'too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'malformed'
  | 'overloaded'
  | 'unavailable'
  | 'shutting_down'
  | 'ack_timeout'
  | 'client_error';

export interface WebhookMetricsProbe {
  queuedBatches(): number;
  pendingBatches(): number;
  pendingEvents(): number;
  /** Seconds the oldest unacknowledged batch has waited; 0 when none. */
  oldestPendingSeconds(): number;
  downstreamUp(): boolean;
}

export function createWebhookMetrics(probe: WebhookMetricsProbe, options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ component: 'webhook' });
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    receivedEvents: new Counter({ name: 'component_received_events_total', help: 'Items (audit events) in accepted webhook bodies.', registers }),
    receivedBatches: new Counter({ name: 'component_received_batches_total', help: 'Webhook requests whose body was accepted for processing.', registers }),
    receivedBytes: new Counter({ name: 'component_received_bytes_total', help: 'Bytes of accepted webhook bodies.', registers }),
    acknowledgedBatches: new Counter({ name: 'component_acknowledged_batches_total', help: 'Batches durably handed on and answered 200.', registers }),
    rejectedRequests: new Counter({ name: 'component_rejected_requests_total', help: 'Webhook requests answered with an error, by reason.', labelNames: ['reason'], registers }),
    requestDuration: new Histogram({
      name: 'component_request_duration_seconds',
      help: 'From a request’s arrival to its answer (for 200: until every sink acknowledged).',
      labelNames: ['code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'component_queue_depth_batches',
      help: 'Accepted batches waiting for the pipeline to pull them.',
      registers,
      collect() {
        this.set(probe.queuedBatches());
      },
    }),
    pendingBatches: new Gauge({
      name: 'component_pending_batches',
      help: 'Accepted batches not yet acknowledged (queued or being written).',
      registers,
      collect() {
        this.set(probe.pendingBatches());
      },
    }),
    pendingEvents: new Gauge({
      name: 'component_pending_events',
      help: 'Items in accepted batches not yet acknowledged.',
      registers,
      collect() {
        this.set(probe.pendingEvents());
      },
    }),
    downstreamLag: new Gauge({
      name: 'component_downstream_lag_seconds',
      help: 'How long the oldest unacknowledged batch has been waiting for the sinks.',
      registers,
      collect() {
        this.set(probe.oldestPendingSeconds());
      },
    }),
    downstreamUp: new Gauge({
      name: 'component_downstream_up',
      help: '1 while the pipeline behind the webhook takes batches, 0 while it is unavailable.',
      registers,
      collect() {
        this.set(probe.downstreamUp() ? 1 : 0);
      },
    }),
  };
  return metrics;
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
