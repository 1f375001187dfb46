// Windows. Threshold windows: "N matching events (or N distinct values of a field) from one group
// within a duration". First-event windows (`mode: first`): "the first matching
// event of a group, then nothing from that group for the duration". Time is the events' own
// stageTimestamp, so a scan of last week's logs fires exactly as the live stream did. One request's
// stages count once.
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
  private readonly first: FirstEvents | undefined;
  constructor(private readonly w: CompiledWindow) {
    this.groups = new KeyedGroups(w.durationMs, () => ({ hits: [], head: 0, ordered: true, auditIDs: new Set(), distinct: new Map() }));
    if (w.mode === 'first') this.first = new FirstEvents(w.durationMs);
  }

  add(hit: GroupHit): WindowFire | undefined {
    if (this.first) return this.first.add(hit);
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
    return { count: live, auditIds, groupKey: hit.groupKey, group: hit.values };
  }

  get size(): number {
    return this.first ? this.first.size : this.groups.size;
  }
}

/** Beyond this many groups in their quiet period the one that started first is forgotten (it may fire again early). */
const MAX_FIRST_GROUPS = 100_000;
/** How late (event time) an event may come and still find its group's period, once that period has ended by later events. */
const FIRST_LATE_MS = 10 * 60_000;

/**
 * `mode: first`. A group fires on its first event and is quiet until `durationMs` of event time has
 * passed since that event; the next event then fires and starts a new period. The alert is that first
 * request's, so its id (rule, cluster, group, auditID) is the same on every re-scan. Periods are fixed
 * from their first event, not slid by later ones: a user active all day is raised once a day, not once.
 *
 * A group is kept only while its period runs (and FIRST_LATE_MS after, for late events): groups are
 * in period-start order (a group that fires again moves to the end), and those whose period ended
 * before the latest event time are dropped from the front as time moves on. So the state is the groups
 * whose period began in the last `durationMs` — one entry per person for a day — capped at MAX_FIRST_GROUPS. An
 * out-of-order event (a late stage, merged logs) falls in its group's period if it is earlier than the
 * period's end, even when earlier than its start; the alerts are those of an unbounded map as long as
 * no event's time is more than FIRST_LATE_MS before the latest time already seen.
 */
class FirstEvents {
  /** Group key → when its period started and the request that fired it. */
  private readonly groups = new Map<string, { start: number; auditID: string }>();
  private latest = -Infinity;

  constructor(
    private readonly durationMs: number,
    private readonly capacity = MAX_FIRST_GROUPS,
  ) {}

  add(hit: GroupHit): WindowFire | undefined {
    // An event without a usable time counts at the latest time seen.
    const t = Number.isNaN(hit.t) ? this.latest : hit.t;
    if (t > this.latest) {
      this.latest = t;
      this.expire();
    }
    const group = this.groups.get(hit.key);
    if (group && (t < group.start + this.durationMs || group.auditID === hit.auditID)) return undefined;
    if (group) this.groups.delete(hit.key);
    else if (this.groups.size >= this.capacity) this.groups.delete(this.groups.keys().next().value!);
    this.groups.set(hit.key, { start: t, auditID: hit.auditID });
    return { count: 1, auditIds: [hit.auditID], groupKey: hit.groupKey, group: hit.values };
  }

  get size(): number {
    return this.groups.size;
  }

  private expire(): void {
    const end = this.latest - this.durationMs - FIRST_LATE_MS;
    for (const [k, g] of this.groups) {
      if (g.start > end) break;
      this.groups.delete(k);
    }
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
