// The stateful half of detection: findings from match.ts, in event order, become alerts. A plain
// rule fires once per request (its stages share an auditID); a window fires when its group reaches
// the threshold; a sequence when its group completes the steps in order.
import type { Alert } from '../core/alert.js';
import { finishAlert } from './alert.js';
import type { Catalogue } from './catalogue.js';
import type { Finding } from './match.js';
import { SequenceState } from './sequence.js';
import { WindowState } from './window.js';

/** Remembers this many (rule, request) pairs to fire once per request across its stages. */
const DEDUPE_CAPACITY = 200_000;

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
  const fired = new Set<string>();
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
        if (fired.has(key)) {
          stats.deduplicated++;
          continue;
        }
        if (fired.size >= DEDUPE_CAPACITY) fired.delete(fired.values().next().value!);
        fired.add(key);
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
