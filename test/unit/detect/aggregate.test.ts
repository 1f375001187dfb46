// The once-per-request dedupe forgets ended requests after a while of event time instead of keeping
// every key it ever saw; it must still fire exactly as an unbounded set would on ordinary logs.
import { describe, expect, it } from 'vitest';
import { RequestDedupe } from '../../../src/detect/aggregate.js';

const MIN = 60_000;

function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe('once-per-request dedupe', () => {
  it('fires as an unbounded set on a long log while holding only the last few minutes of requests', () => {
    const rnd = random(7);
    const dedupe = new RequestDedupe(10 * MIN);
    const reference = new Set<string>();
    let maxSize = 0;
    let t = 0;
    // Requests of one or two alerting stages, a few re-delivered within a minute, over 10 hours.
    const recent: [string, string, number][] = [];
    let from = 0;
    for (let i = 0; i < 50_000; i++) {
      t += 720;
      const id = `r${i}`;
      const stages = rnd() < 0.2 ? ['ResponseStarted', 'ResponseComplete'] : ['ResponseComplete'];
      for (const stage of stages) {
        const key = `rule\0c\0${id}`;
        if (dedupe.seen(key, stage, t) !== reference.has(key)) expect.fail(`${key} ${stage}`);
        reference.add(key);
        recent.push([key, stage, t]);
      }
      if (rnd() < 0.01) {
        const [key, stage] = recent[from + Math.floor(rnd() * (recent.length - from))]!;
        expect(dedupe.seen(key, stage, t)).toBe(true);
      }
      while (recent[from]![2] < t - MIN) from++;
      maxSize = Math.max(maxSize, dedupe.size);
    }
    // 10 minutes at one request per 720 ms, and a minute of margin.
    expect(maxSize).toBeLessThan(920);
  });

  it('keeps an open request (an exec session) until its last stage, however long it lasts', () => {
    const dedupe = new RequestDedupe(10 * MIN);
    expect(dedupe.seen('exec', 'ResponseStarted', 0)).toBe(false);
    for (let i = 1; i <= 1000; i++) dedupe.seen(`other${i}`, 'ResponseComplete', i * 6_000);
    expect(dedupe.seen('exec', 'ResponseComplete', 2 * 60 * MIN)).toBe(true);
    expect(dedupe.seen('exec', 'ResponseComplete', 2 * 60 * MIN + 1)).toBe(true);
  });

  it('forgets an ended request once its retention has passed in event time', () => {
    const dedupe = new RequestDedupe(10 * MIN);
    expect(dedupe.seen('a', 'ResponseComplete', 0)).toBe(false);
    expect(dedupe.seen('b', 'ResponseComplete', 10 * MIN)).toBe(false);
    expect(dedupe.seen('a', 'ResponseComplete', 10 * MIN)).toBe(true);
    expect(dedupe.seen('c', 'ResponseComplete', 10 * MIN + 1)).toBe(false);
    expect(dedupe.size).toBe(2);
  });

  it('stays within its capacity when event times do not move', () => {
    const dedupe = new RequestDedupe(10 * MIN, 100);
    for (let i = 0; i < 1000; i++) {
      dedupe.seen(`open${i}`, 'ResponseStarted', 0);
      dedupe.seen(`done${i}`, 'ResponseComplete', 0);
    }
    expect(dedupe.size).toBe(200);
  });
});
