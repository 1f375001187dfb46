// Per-group state for the stateful rules (windows, sequences): the group key from the rule's
// group-by fields, a bounded number of groups, and idle groups pruned as time (event time) moves on.
import type { AuditEvent } from '../core/audit-event.js';
import type { EvalContext } from './derived.js';
import type { Getter } from './fields.js';

/** Groups idle longer than the rule's span are pruned every this many lookups. */
const PRUNE_EVERY = 4096;
/** Beyond this many live groups the oldest is dropped: memory stays bounded under any cardinality. */
const MAX_GROUPS = 100_000;

/**
 * One event's contribution to a stateful rule, read from the event where it is matched (maybe a
 * worker thread) and applied to the rule's groups in event order (the main thread).
 */
export interface GroupHit {
  /** stageTimestamp in ms. */
  t: number;
  auditID: string;
  /** The group's state key: its cluster and group-by values (one receiver serves many clusters). */
  key: string;
  /** The group-by values alone, for the alert's id (which has the cluster already). */
  groupKey: string;
  /** The group-by fields and their values, for the alert's evidence. */
  values: Record<string, unknown>;
  /** Windows counting distinct values: this event's value, as JSON. */
  distinct?: string;
}

/** The group of an event from `cluster`: its group-by values and the keys they make. */
export function groupOf(by: readonly { path: string; get: Getter }[], e: AuditEvent, ctx: EvalContext, cluster: string): Pick<GroupHit, 'key' | 'groupKey' | 'values'> {
  const values: Record<string, unknown> = {};
  let groupKey = '';
  for (const g of by) {
    const v = g.get(e, ctx);
    values[g.path] = v;
    groupKey += `${JSON.stringify(v ?? null)}\0`;
  }
  return { key: `${cluster}\0${groupKey}`, groupKey, values };
}

/** What a stateful rule reports when it fires: the contributing requests and their group. */
export interface GroupFire {
  count: number;
  auditIds: string[];
  groupKey: string;
  group: Record<string, unknown>;
}

export class KeyedGroups<G> {
  private readonly groups = new Map<string, { state: G; last: number }>();
  private lookups = 0;

  constructor(
    private readonly spanMs: number,
    private readonly create: () => G,
  ) {}

  /** The event's group, created if new, marked as active at event time `t`. */
  slot(key: string, t: number): G {
    let entry = this.groups.get(key);
    if (!entry) {
      if (this.groups.size >= MAX_GROUPS) this.groups.delete(this.groups.keys().next().value!);
      entry = { state: this.create(), last: t };
      this.groups.set(key, entry);
    }
    entry.last = Math.max(entry.last, t);
    if (++this.lookups % PRUNE_EVERY === 0) this.prune(t);
    return entry.state;
  }

  /** Forgets a group: after a rule fired, its group starts afresh. */
  delete(key: string): void {
    this.groups.delete(key);
  }

  get size(): number {
    return this.groups.size;
  }

  private prune(now: number): void {
    for (const [k, g] of this.groups) if (g.last < now - this.spanMs) this.groups.delete(k);
  }
}
