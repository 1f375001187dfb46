// The stateful half of detection: findings from match.ts, in event order, become alerts. A plain
// rule fires once per request (its stages share an auditID); a window fires when its group reaches
// the threshold; a sequence when its group completes the steps in order.
import type { Alert } from '../core/alert.js';
import { finishAlert } from './alert.js';
import type { Catalogue } from './catalogue.js';
import type { Finding } from './match.js';
import { SequenceState } from './sequence.js';
import { WindowState } from './window.js';

/** At most this many (rule, request) pairs of each kind are remembered, whatever the input's timestamps. */
const DEDUPE_CAPACITY = 200_000;
/**
 * How long, in event time, a request that has ended is remembered: a re-delivered copy of its stages
 * (a webhook batch re-sent after a 503, a Kafka re-delivery, overlapping input files) arriving within
 * this span raises nothing new. A copy arriving later fires again with the same alert id, which the
 * store and Elasticsearch keep once.
 */
const ENDED_RETAIN_MS = 10 * 60_000;

/**
 * Fires a plain rule once per request across its stages. A request is open from its first alerting
 * stage until its last (ResponseComplete or Panic), however long that takes (an exec session, a
 * watch): those keys stay until the last stage comes. Ended requests are kept ENDED_RETAIN_MS of event
 * time, so the set holds requests in flight plus a few minutes of ended ones instead of growing with
 * the log (it was 95,000 keys, ~10 MB, after 2 GB; 200,000 in a long follow run). The alerts are those
 * of an unbounded set as long as no stage of a request comes more than ENDED_RETAIN_MS after its last.
 */
export class RequestDedupe {
  private readonly open = new Set<string>();
  /** Key → event time of its last stage; insertion order is about event order, so the oldest come first. */
  private readonly ended = new Map<string, number>();
  private latest = -Infinity;

  constructor(private readonly retainMs = ENDED_RETAIN_MS, private readonly capacity = DEDUPE_CAPACITY) {}

  /** True when this (rule, request) already fired. */
  seen(key: string, stage: string, t: number): boolean {
    const last = stage === 'ResponseComplete' || stage === 'Panic';
    if (t > this.latest) {
      this.latest = t;
      this.expire();
    }
    if (this.ended.has(key)) return true;
    const wasOpen = this.open.has(key);
    if (last) {
      if (wasOpen) this.open.delete(key);
      if (this.ended.size >= this.capacity) this.ended.delete(this.ended.keys().next().value!);
      // An unparseable time is kept until capacity pushes it out.
      this.ended.set(key, Number.isNaN(t) ? Infinity : t);
    } else if (!wasOpen) {
      if (this.open.size >= this.capacity) this.open.delete(this.open.values().next().value!);
      this.open.add(key);
    }
    return wasOpen;
  }

  get size(): number {
    return this.open.size + this.ended.size;
  }

  private expire(): void {
    const horizon = this.latest - this.retainMs;
    for (const [k, t] of this.ended) {
      if (t >= horizon) break;
      this.ended.delete(k);
    }
  }
}

export interface AggregateStats {
  fired: number;
  deduplicated: number;
}

/** One alert and the event (its index in the batch) that raised it. */
export interface Raised {
  alert: Alert;
  record: number;
}

export function createAggregator(catalogue: Catalogue) {
  const windows = catalogue.rules.map((r) => (r.window ? new WindowState(r.window) : undefined));
  const sequences = catalogue.rules.map((r) => (r.sequence ? new SequenceState(r.sequence) : undefined));
  const fired = new RequestDedupe();
  const stats: AggregateStats = { fired: 0, deduplicated: 0 };

  /** `findings` in event order, as match() produced them. */
  function aggregate(findings: readonly Finding[], out: Raised[] = []): Raised[] {
    for (const f of findings) {
      const rule = catalogue.rules[f.rule]!;
      const sq = sequences[f.rule];
      const w = windows[f.rule];
      let alert: Alert;
      if (sq) {
        const fire = sq.add(f.hit!, f.steps!);
        if (!fire) continue;
        alert = finishAlert(rule, f.draft, { ...fire, windowMs: rule.sequence!.withinMs });
      } else if (w) {
        const fire = w.add(f.hit!);
        if (!fire) continue;
        alert = finishAlert(rule, f.draft, { ...fire, windowMs: rule.window!.durationMs });
      } else {
        const a = f.draft.alert;
        const key = `${rule.spec.id}\0${a.orchestrator.cluster.name}\0${a.kubernetes.audit.auditID}`;
        if (fired.seen(key, a.kubernetes.audit.stage, Date.parse(a['@timestamp']))) {
          stats.deduplicated++;
          continue;
        }
        alert = finishAlert(rule, f.draft);
      }
      stats.fired++;
      out.push({ alert, record: f.record });
    }
    return out;
  }

  return { aggregate, stats };
}

export type Aggregator = ReturnType<typeof createAggregator>;
