// Threshold windows: "N matching events (or N distinct values of a field) from one group within a
// duration". Time is the events' own stageTimestamp, so a scan of last week's logs fires exactly as
// the live stream did. One request's stages count once.
import type { AuditEvent } from '../core/audit-event.js';
import type { CompiledWindow } from './catalogue.js';
import type { EvalContext } from './derived.js';

interface Hit {
  t: number;
  auditID: string;
  distinct: string | undefined;
}

interface Group {
  hits: Hit[];
  last: number;
}

/** Groups idle longer than their window are pruned every this many additions. */
const PRUNE_EVERY = 4096;
const MAX_GROUPS = 100_000;

export interface WindowFire {
  count: number;
  auditIds: string[];
  groupKey: string;
  group: Record<string, unknown>;
}

export class WindowState {
  private readonly groups = new Map<string, Group>();
  private adds = 0;
  constructor(private readonly w: CompiledWindow) {}

  add(e: AuditEvent, ctx: EvalContext): WindowFire | undefined {
    const t = Date.parse(e.stageTimestamp);
    const groupValues: Record<string, unknown> = {};
    let key = '';
    for (const g of this.w.groupBy) {
      const v = g.get(e, ctx);
      groupValues[g.path] = v;
      key += `${JSON.stringify(v ?? null)}\0`;
    }
    let group = this.groups.get(key);
    if (!group) {
      if (this.groups.size >= MAX_GROUPS) this.groups.delete(this.groups.keys().next().value!);
      group = { hits: [], last: t };
      this.groups.set(key, group);
    }
    if (group.hits.some((h) => h.auditID === e.auditID)) return undefined;
    const from = t - this.w.durationMs;
    group.hits = group.hits.filter((h) => h.t > from);
    const d = this.w.distinct ? this.w.distinct.get(e, ctx) : undefined;
    group.hits.push({ t, auditID: e.auditID, distinct: d === undefined ? undefined : JSON.stringify(d) });
    group.last = Math.max(group.last, t);
    if (++this.adds % PRUNE_EVERY === 0) this.prune(t);

    const count = this.w.distinct ? new Set(group.hits.map((h) => h.distinct).filter((x) => x !== undefined)).size : group.hits.length;
    if (count < this.w.threshold) return undefined;
    // Fired: start the group afresh so a continuing burst raises one alert per threshold crossing.
    const auditIds = group.hits.map((h) => h.auditID);
    this.groups.delete(key);
    return { count: group.hits.length, auditIds, groupKey: key, group: groupValues };
  }

  private prune(now: number): void {
    for (const [k, g] of this.groups) if (g.last < now - this.w.durationMs) this.groups.delete(k);
  }

  get size(): number {
    return this.groups.size;
  }
}
