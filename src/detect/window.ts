// Threshold windows: "N matching events (or N distinct values of a field) from one group within a
// duration". Time is the events' own stageTimestamp, so a scan of last week's logs fires exactly as
// the live stream did. One request's stages count once.
//
// Each add is O(1) amortised: the group keeps its requests' auditIDs in a set and its distinct
// values with their counts, instead of scanning and re-collecting every hit on every add (which
// made a busy group quadratic: a scanner repeating one path thousands of times within 5 minutes).
import type { CompiledWindow } from './catalogue.js';
import { KeyedGroups, type GroupFire, type GroupHit } from './groups.js';

interface Hit {
  t: number;
  auditID: string;
  distinct: string | undefined;
}

interface Group {
  /** Hits from `head` on are live, in arrival order. */
  hits: Hit[];
  head: number;
  /** Every hit arrived in time order, so the expired ones are a prefix. */
  ordered: boolean;
  auditIDs: Set<string>;
  /** Distinct value → live hits with it. */
  distinct: Map<string, number>;
}

export type WindowFire = GroupFire;

export class WindowState {
  private readonly groups: KeyedGroups<Group>;
  constructor(private readonly w: CompiledWindow) {
    this.groups = new KeyedGroups(w.durationMs, () => ({ hits: [], head: 0, ordered: true, auditIDs: new Set(), distinct: new Map() }));
  }

  add(hit: GroupHit): WindowFire | undefined {
    const { t, key } = hit;
    const group = this.groups.slot(key, t);
    if (group.auditIDs.has(hit.auditID)) return undefined;
    expire(group, t - this.w.durationMs);
    const last = group.hits.length > group.head ? group.hits[group.hits.length - 1]! : undefined;
    if (last && t < last.t) group.ordered = false;
    group.hits.push({ t, auditID: hit.auditID, distinct: hit.distinct });
    group.auditIDs.add(hit.auditID);
    if (hit.distinct !== undefined) group.distinct.set(hit.distinct, (group.distinct.get(hit.distinct) ?? 0) + 1);

    const live = group.hits.length - group.head;
    const count = this.w.distinct ? group.distinct.size : live;
    if (count < this.w.threshold) return undefined;
    // Fired: start the group afresh so a continuing burst raises one alert per threshold crossing.
    this.groups.delete(key);
    const auditIds: string[] = [];
    for (let i = group.head; i < group.hits.length; i++) auditIds.push(group.hits[i]!.auditID);
    return { count: live, auditIds, groupKey: key, group: hit.values };
  }

  get size(): number {
    return this.groups.size;
  }
}

/** Drops the hits at or before `from`. */
function expire(group: Group, from: number): void {
  const { hits } = group;
  if (group.ordered) {
    while (group.head < hits.length && hits[group.head]!.t <= from) forget(group, hits[group.head++]!);
    // Reclaim the dropped prefix once it is most of the array.
    if (group.head > 64 && group.head * 2 > hits.length) {
      group.hits = hits.slice(group.head);
      group.head = 0;
    }
    return;
  }
  // Out of order (a late stage, merged logs): expired hits can be anywhere.
  const kept: Hit[] = [];
  let ordered = true;
  for (let i = group.head; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.t <= from) forget(group, h);
    else {
      if (kept.length && h.t < kept[kept.length - 1]!.t) ordered = false;
      kept.push(h);
    }
  }
  group.hits = kept;
  group.head = 0;
  group.ordered = ordered;
}

function forget(group: Group, h: Hit): void {
  group.auditIDs.delete(h.auditID);
  if (h.distinct === undefined) return;
  const n = group.distinct.get(h.distinct)! - 1;
  if (n === 0) group.distinct.delete(h.distinct);
  else group.distinct.set(h.distinct, n);
}
