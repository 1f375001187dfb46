// Ordered sequences: "step 1, then step 2 (… then step n) by the same group within a duration", as
// EQL's `sequence by user.name with maxspan=5m [A] [B]`. Time is the events' own stageTimestamp, so a
// scan fires exactly as the live stream did. For each group we keep, per step, the chain that reached
// it with the latest start: a later start can only leave more room inside the window.
import type { CompiledSequence } from './catalogue.js';
import { KeyedGroups, type GroupFire, type GroupHit } from './groups.js';

interface Chain {
  start: number;
  auditIds: string[];
}

interface Group {
  /** reached[k]: a chain that has matched steps 0..k. */
  reached: (Chain | undefined)[];
}

export type SequenceFire = GroupFire;

export class SequenceState {
  private readonly groups: KeyedGroups<Group>;
  constructor(private readonly s: CompiledSequence) {
    this.groups = new KeyedGroups(s.withinMs, () => ({ reached: new Array<Chain | undefined>(s.steps.length - 1).fill(undefined) }));
  }

  /** `steps`: the indexes of the steps this event matched (ascending). Returns a fire when the last step completes a chain. */
  add(hit: GroupHit, steps: readonly number[]): SequenceFire | undefined {
    const { t, key, auditID } = hit;
    const group = this.groups.slot(key, t);
    const lastStep = this.s.steps.length - 1;
    // Highest step first, so one event never completes two steps of the same chain.
    for (let i = steps.length - 1; i >= 0; i--) {
      const j = steps[i]!;
      if (j === 0) {
        if (group.reached[0]?.auditIds.includes(auditID)) continue;
        group.reached[0] = { start: t, auditIds: [auditID] };
        continue;
      }
      const prev = group.reached[j - 1];
      if (!prev || prev.auditIds.includes(auditID)) continue;
      if (t - prev.start > this.s.withinMs) {
        group.reached[j - 1] = undefined;
        continue;
      }
      const chain: Chain = { start: prev.start, auditIds: [...prev.auditIds, auditID] };
      if (j === lastStep) {
        this.groups.delete(key);
        return { count: chain.auditIds.length, auditIds: chain.auditIds, groupKey: hit.groupKey, group: hit.values };
      }
      const cur = group.reached[j];
      if (!cur || cur.start <= chain.start) group.reached[j] = chain;
    }
    return undefined;
  }

  get size(): number {
    return this.groups.size;
  }
}
