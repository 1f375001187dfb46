// What every alert output shares, composed around its sink: a severity floor, burst throttling
// (alert-throttle.ts) and the link back to the events (alert-link.ts). Events and rejected input pass
// through untouched, so an output that also takes events (Elasticsearch, Kafka) keeps doing so.
//
// Throttled summaries are written when their group closes — from a timer when no batch comes — and
// on close() every open group is flushed before the inner sink closes. A summary whose write failed
// is kept and sent with the next batch or at close, never dropped.
import { z } from 'zod';
import type { Alert, Severity } from '../core/alert.js';
import { severityRank } from '../core/alert.js';
import type { ProcessedBatch } from '../core/batch.js';
import type { Sink } from '../core/contracts.js';
import { linkAlert, type AlertLinkOptions } from './alert-link.js';
import { AlertThrottle } from './alert-throttle.js';

export interface AlertPolicy {
  minSeverity?: Severity;
  /** 0 or undefined: every alert goes out on its own. */
  throttleWindowMs?: number;
  link?: AlertLinkOptions;
}

export interface AlertPolicyDeps {
  now?: () => number;
  log?: (line: string) => void;
}

export interface AlertPolicyStats {
  received: number;
  belowFloor: number;
  folded: number;
  summaries: number;
  sent: number;
}

export function withAlertPolicy<S extends Sink>(inner: S, policy: AlertPolicy, deps: AlertPolicyDeps = {}): Sink & { inner: S; stats: AlertPolicyStats } {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const floor = severityRank(policy.minSeverity ?? 'low');
  const throttle = policy.throttleWindowMs ? new AlertThrottle({ windowMs: policy.throttleWindowMs }) : undefined;
  const stats: AlertPolicyStats = { received: 0, belowFloor: 0, folded: 0, summaries: 0, sent: 0 };
  const pending: Alert[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  const finish = (alerts: Alert[]) => alerts.map((a) => linkAlert(a, policy.link));

  // Not async, nor write below: the batch is let go once handed to the inner sink (core/contracts.ts Sink).
  function send(batch: ProcessedBatch, alerts: Alert[]): Promise<void> {
    const n = alerts.length;
    return inner.write({ ...batch, alerts: finish(alerts) }).then(() => {
      stats.sent += n;
    });
  }

  function schedule(): void {
    if (!throttle || closed) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const next = throttle.nextDeadline();
    if (next === undefined) return;
    timer = setTimeout(flushDue, Math.max(0, next - now()));
    // The pipeline's source keeps the process alive; close() flushes what is left.
    timer.unref();
  }

  function flushDue(): void {
    timer = undefined;
    if (!throttle || closed) return;
    const due = throttle.due(now());
    schedule();
    if (!due.length) return;
    stats.summaries += due.length;
    flushing = flushing.then(() =>
      send({ events: [], alerts: [], rejected: [] }, due).catch((e: Error) => {
        pending.push(...due);
        log(`k8s-audit: ${inner.name}: could not send ${due.length} burst summar${due.length === 1 ? 'y' : 'ies'} (${e.message}); keeping them for the next batch`);
      }),
    );
  }

  return {
    name: inner.name,
    inner,
    stats,
    open: inner.open ? () => inner.open!() : undefined,
    write(batch) {
      stats.received += batch.alerts.length;
      let alerts = batch.alerts.filter((a) => severityRank(a.rule.severity) >= floor);
      stats.belowFloor += batch.alerts.length - alerts.length;
      if (throttle) {
        const r = throttle.admit(alerts, now());
        stats.folded += alerts.length - r.now.length;
        stats.summaries += r.closed.length;
        alerts = [...pending.splice(0), ...r.closed, ...r.now];
        schedule();
      }
      return send(batch, alerts);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await flushing;
      try {
        const rest = throttle ? throttle.drain() : [];
        stats.summaries += rest.length;
        const last = [...pending.splice(0), ...rest];
        if (last.length) await send({ events: [], alerts: [], rejected: [] }, last);
      } finally {
        await inner.close();
      }
    },
  };
}

/** The policy keys every alert output accepts in a pipeline file (config.ts). */
export const alertPolicyFields = (throttleDefaultMs: number) => ({
  min_severity: z.enum(['low', 'medium', 'high', 'critical']).default('low'),
  throttle_window_ms: z.number().int().min(0).default(throttleDefaultMs),
});

export function alertPolicyFrom(c: { min_severity: Severity; throttle_window_ms: number }, link?: AlertLinkOptions): AlertPolicy {
  return { minSeverity: c.min_severity, throttleWindowMs: c.throttle_window_ms, ...(link ? { link } : {}) };
}
