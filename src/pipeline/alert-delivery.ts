// Delivery to an output that can be down (a webhook): each alert is retried with jittered
// exponential backoff; when the output refuses it for good, or stays down for `maxAttempts`, or the
// pipeline stops meanwhile, the alert goes to a dead-letter NDJSON file with the reason. write()
// resolves only when every alert of the batch is delivered or dead-lettered, so the batch is not
// acknowledged to its source before that: an alert is never lost because an output was down.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Alert } from '../core/alert.js';
import type { Sink } from '../core/contracts.js';
import { AuditPipelineError } from '../core/errors.js';
import { NdjsonWriter } from '../sinks/file/ndjson-writer.js';

/** An output that sends one alert at a time and throws a retriable or permanent error. */
export interface AlertSender {
  readonly name: string;
  open?(): Promise<void>;
  send(alert: Alert, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface DeliveryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  deadLetterPath: string;
  /** Alerts of one batch in flight at once. */
  concurrency?: number;
}

export interface DeliveryDeps {
  signal?: AbortSignal;
  log?: (line: string) => void;
  random?: () => number;
}

export interface DeliveryStats {
  delivered: number;
  retries: number;
  deadLettered: number;
}

/** Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(initialMs, Math.floor(random() * cap));
}

export function createAlertDelivery(sender: AlertSender, policy: DeliveryPolicy, deps: DeliveryDeps = {}): Sink & { stats: DeliveryStats } {
  const deadLetter = new NdjsonWriter(policy.deadLetterPath, 'a');
  const stats: DeliveryStats = { delivered: 0, retries: 0, deadLettered: 0 };
  const log = deps.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const concurrency = Math.max(1, policy.concurrency ?? 4);

  /** Delivers one alert; returns the reason it was given up on, or undefined once delivered. */
  async function deliver(alert: Alert): Promise<{ reason: string; attempts: number } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sender.send(alert, deps.signal);
        stats.delivered++;
        return undefined;
      } catch (e) {
        const err = e as Error;
        const retriable = !(err instanceof AuditPipelineError) || err.retriable;
        if (!retriable) return { reason: err.message, attempts: attempt };
        if (attempt >= policy.maxAttempts) return { reason: `${err.message} (gave up after ${attempt} attempts)`, attempts: attempt };
        if (deps.signal?.aborted) return { reason: `${err.message} (the pipeline stopped while retrying)`, attempts: attempt };
        const hinted = err instanceof AuditPipelineError && typeof err.context.retryAfterMs === 'number' ? err.context.retryAfterMs : undefined;
        const wait = Math.min(policy.maxBackoffMs, hinted ?? backoffMs(attempt - 1, policy.initialBackoffMs, policy.maxBackoffMs, deps.random));
        stats.retries++;
        if (attempt === 1) log(`k8s-audit: ${sender.name}: ${err.message}; retrying alert ${alert.alert.id} in ${wait} ms (up to ${policy.maxAttempts} attempts, then ${policy.deadLetterPath})`);
        await sleep(wait, undefined, deps.signal ? { signal: deps.signal } : undefined).catch(() => undefined);
      }
    }
  }

  async function deliverAll(alerts: readonly Alert[]): Promise<void> {
    const failed: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < alerts.length) {
        const alert = alerts[next++]!;
        const gaveUp = await deliver(alert);
        if (gaveUp) failed.push(JSON.stringify({ '@timestamp': new Date().toISOString(), output: sender.name, reason: gaveUp.reason, attempts: gaveUp.attempts, alert }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, alerts.length) }, worker));
    if (failed.length) {
      // If even the dead-letter file cannot be written, this throws: the batch stays unacknowledged.
      await deadLetter.write(failed);
      stats.deadLettered += failed.length;
      log(`k8s-audit: ${sender.name}: ${failed.length} alert(s) not delivered, kept in ${policy.deadLetterPath}`);
    }
  }

  return {
    name: sender.name,
    stats,
    open: sender.open ? () => sender.open!() : undefined,
    // Not async: only the alerts are kept while they are delivered, not the batch (core/contracts.ts Sink).
    write: (batch) => (batch.alerts.length ? deliverAll(batch.alerts) : Promise.resolve()),
    async close() {
      await deadLetter.close();
      await sender.close();
    },
  };
}
