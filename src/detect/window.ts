// Threshold windows: "N matching events (or N distinct values of a field) from one group within a
// duration". Time is the events' own stageTimestamp, so a scan of last week's logs fires exactly as
// the live stream did. One request's stages count once.
import type { AuditEvent } from '../core/audit-event.js';
import type { CompiledWindow } from './catalogue.js';
import type { EvalContext } from './derived.js';
import { KeyedGroups, type GroupFire } from './groups.js';

interface Hit {
  t: number;
  auditID: string;
  distinct: string | undefined;
}

export type WindowFire = GroupFire;

export class WindowState {
  private readonly groups: KeyedGroups<{ hits: Hit[] }>;
  constructor(private readonly w: CompiledWindow) {
    this.groups = new KeyedGroups(w.groupBy, w.durationMs, () => ({ hits: [] }));
  }

  add(e: AuditEvent, ctx: EvalContext): WindowFire | undefined {
    const t = Date.parse(e.stageTimestamp);
    const { key, values, state: group } = this.groups.slot(e, ctx, t);
    if (group.hits.some((h) => h.auditID === e.auditID)) return undefined;
    const from = t - this.w.durationMs;
    group.hits = group.hits.filter((h) => h.t > from);
    const d = this.w.distinct ? this.w.distinct.get(e, ctx) : undefined;
    group.hits.push({ t, auditID: e.auditID, distinct: d === undefined ? undefined : JSON.stringify(d) });

    const count = this.w.distinct ? new Set(group.hits.map((h) => h.distinct).filter((x) => x !== undefined)).size : group.hits.length;
    if (count < this.w.threshold) return undefined;
    // Fired: start the group afresh so a continuing burst raises one alert per threshold crossing.
    this.groups.delete(key);
    return { count: group.hits.length, auditIds: group.hits.map((h) => h.auditID), groupKey: key, group: values };
  }

  get size(): number {
    return this.groups.size;
  }
}
