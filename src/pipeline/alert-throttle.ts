// Folds bursts of alerts into one. A burst is the same rule, actor (and impersonated identity),
// object and cluster within `windowMs` of the group's first alert, in event time. The first alert
// of a group goes out at once (latency matters: someone should look now); the group's summary —
// the final count and every auditID — follows when the group closes: when an alert of the same key
// falls outside the window, when `windowMs` of wall-clock time has passed since the group opened
// (a live stream), or when the output shuts down (`drain`).
//
// The summary keeps the first alert's id and @timestamp, so an output that indexes by id (the
// Elasticsearch alerts index) replaces the first document instead of adding a second one.
// Pure bookkeeping: no timers here; the caller decides when to ask (alert-output.ts).
import type { Alert } from '../core/alert.js';

export interface AlertThrottleOptions {
  windowMs: number;
  /** A group keeps at most this many auditIDs (the count stays exact); bounds memory on a flood. */
  maxAuditIds?: number;
}

interface Group {
  first: Alert;
  count: number;
  auditIds: string[];
  seen: Set<string>;
  firstMs: number;
  lastMs: number;
  lastAt: string;
  /** Wall-clock time after which the group is closed even if no further alert arrives. */
  deadline: number;
}

export interface AdmitResult {
  /** Alerts that open a group: send them now. */
  now: Alert[];
  /** Summaries of groups that this admission closed. */
  closed: Alert[];
}

export function throttleKey(a: Alert): string {
  const ref = a.kubernetes.audit.objectRef;
  return [
    a.rule.id, a.orchestrator.cluster.name, a.user.name, a.user.effective?.name ?? '',
    ref?.apiGroup ?? '', ref?.resource ?? '', ref?.subresource ?? '', ref?.namespace ?? '', ref?.name ?? '',
  ].join('\0');
}

const auditIdsOf = (a: Alert) => a.related?.audit_ids ?? [a.kubernetes.audit.auditID];

export class AlertThrottle {
  private readonly open = new Map<string, Group>();
  private readonly maxIds: number;
  constructor(private readonly options: AlertThrottleOptions) {
    this.maxIds = options.maxAuditIds ?? 10_000;
  }

  get openGroups(): number {
    return this.open.size;
  }

  /** The earliest wall-clock deadline of an open group, for the caller's timer. */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const g of this.open.values()) if (min === undefined || g.deadline < min) min = g.deadline;
    return min;
  }

  admit(alerts: Alert[], nowMs: number): AdmitResult {
    const out: AdmitResult = { now: [], closed: [] };
    for (const a of alerts) {
      const key = throttleKey(a);
      const t = Date.parse(a['@timestamp']);
      const g = this.open.get(key);
      if (g && Math.abs(t - g.firstMs) <= this.options.windowMs) {
        this.join(g, a, t);
        continue;
      }
      if (g) {
        this.open.delete(key);
        const s = summary(g, this.options.windowMs);
        if (s) out.closed.push(s);
      }
      const ids = auditIdsOf(a);
      this.open.set(key, {
        first: a, count: a.alert.count, auditIds: ids.slice(0, this.maxIds), seen: new Set(ids),
        firstMs: t, lastMs: t, lastAt: a['@timestamp'], deadline: nowMs + this.options.windowMs,
      });
      out.now.push(a);
    }
    return out;
  }

  /** Closes the groups whose wall-clock window has passed; returns the summaries worth sending. */
  due(nowMs: number): Alert[] {
    const out: Alert[] = [];
    for (const [key, g] of this.open) {
      if (g.deadline > nowMs) continue;
      this.open.delete(key);
      const s = summary(g, this.options.windowMs);
      if (s) out.push(s);
    }
    return out;
  }

  /** Closes every open group (shutdown). */
  drain(): Alert[] {
    return this.due(Number.POSITIVE_INFINITY);
  }

  private join(g: Group, a: Alert, t: number): void {
    g.count += a.alert.count;
    for (const id of auditIdsOf(a)) {
      if (g.seen.has(id)) continue;
      g.seen.add(id);
      if (g.auditIds.length < this.maxIds) g.auditIds.push(id);
    }
    if (t >= g.lastMs) {
      g.lastMs = t;
      g.lastAt = a['@timestamp'];
    }
  }
}

/** The group as one alert, or nothing when no alert joined the first one. */
function summary(g: Group, windowMs: number): Alert | undefined {
  if (g.count === g.first.alert.count) return undefined;
  const first = g.first;
  return {
    ...first,
    alert: { ...first.alert, count: g.count },
    related: { audit_ids: g.auditIds },
    message: `${first.message}, ${g.count.toLocaleString('en-US')} times ${span(first['@timestamp'], g.lastAt)}`,
    evidence: { ...first.evidence, burst: { count: g.count, first_seen: first['@timestamp'], last_seen: g.lastAt, window_ms: windowMs } },
  };
}

/** "between 09:00:00 and 09:04:12 UTC" (the date too when the burst crosses midnight). */
function span(from: string, to: string): string {
  const day = (s: string) => s.slice(0, 10);
  const time = (s: string) => s.slice(11, 19);
  if (from.slice(0, 19) === to.slice(0, 19)) return `at ${time(from)} UTC`;
  return day(from) === day(to) ? `between ${time(from)} and ${time(to)} UTC` : `between ${day(from)} ${time(from)} and ${day(to)} ${time(to)} UTC`;
}
