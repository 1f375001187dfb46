// Threshold windows keep counts instead of rescanning their hits; they must fire exactly as the
// straightforward version did, for any order of event times, repeated requests and distinct values.
import { describe, expect, it } from 'vitest';
import type { CompiledWindow } from '../../../src/detect/catalogue.js';
import { KeyedGroups, type GroupHit } from '../../../src/detect/groups.js';
import { WindowState } from '../../../src/detect/window.js';

/** The window as first written: every add rescans the group's hits. */
class ReferenceWindow {
  private readonly groups: KeyedGroups<{ hits: { t: number; auditID: string; distinct: string | undefined }[] }>;
  constructor(private readonly w: CompiledWindow) {
    this.groups = new KeyedGroups(w.durationMs, () => ({ hits: [] }));
  }
  add(hit: GroupHit) {
    const group = this.groups.slot(hit.key, hit.t);
    if (group.hits.some((h) => h.auditID === hit.auditID)) return undefined;
    group.hits = group.hits.filter((h) => h.t > hit.t - this.w.durationMs);
    group.hits.push({ t: hit.t, auditID: hit.auditID, distinct: hit.distinct });
    const count = this.w.distinct ? new Set(group.hits.map((h) => h.distinct).filter((x) => x !== undefined)).size : group.hits.length;
    if (count < this.w.threshold) return undefined;
    this.groups.delete(hit.key);
    return { count: group.hits.length, auditIds: group.hits.map((h) => h.auditID), groupKey: hit.groupKey, group: hit.values };
  }
}

function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe('threshold windows', () => {
  it.each([
    ['counting, in time order', false, 0, 6],
    ['counting, times out of order', false, 30_000, 6],
    ['distinct values, in time order', true, 0, 4],
    ['distinct values, times out of order', true, 30_000, 4],
    ['long-lived groups that seldom fire', true, 0, 7],
    ['long-lived groups that seldom fire, out of order', true, 5_000, 7],
  ])('fire exactly as rescanning every hit does (%s)', (_name, distinct, jitterMs, threshold) => {
    const w = { durationMs: 60_000, groupBy: [], mode: 'threshold', threshold, ...(distinct ? { distinct: { path: 'x', get: () => undefined } } : {}) } as CompiledWindow;
    const mine = new WindowState(w);
    const reference = new ReferenceWindow(w);
    const rnd = random(jitterMs + threshold);
    let t = 0;
    let fired = 0;
    for (let i = 0; i < 20_000; i++) {
      t += Math.floor(rnd() * (threshold === 7 ? 300 : 8_000));
      const hit: GroupHit = {
        t: t - Math.floor(rnd() * jitterMs),
        // Stages of one request repeat its auditID.
        auditID: `req-${Math.floor(i - rnd() * 3)}`,
        key: `c\0g${i % 3}`,
        groupKey: `g${i % 3}`,
        values: {},
        // Seldom-firing groups see the 7th and 8th values rarely, and live long enough to drop many hits.
        ...(rnd() < 0.9 ? { distinct: threshold === 7 && rnd() < 0.01 ? `v${6 + Math.floor(rnd() * 2)}` : `v${Math.floor(rnd() * 6)}` } : {}),
      };
      const a = mine.add(hit);
      expect(a).toEqual(reference.add(hit));
      if (a) fired++;
    }
    expect(fired).toBeGreaterThan(threshold === 7 ? 10 : 100);
  });

  it('stays linear when one group repeats a value for a long time', () => {
    const w = { durationMs: 3_600_000, groupBy: [], mode: 'threshold', threshold: 2, distinct: { path: 'x', get: () => undefined } } as CompiledWindow;
    const window = new WindowState(w);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100_000; i++) expect(window.add({ t: i, auditID: `r${i}`, key: 'scanner', groupKey: 'scanner', values: {}, distinct: '"/api"' })).toBeUndefined();
    // Rescanning 100k hits per add would take minutes.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });
});
