// Mutated webhook bodies (cut, bytes flipped, items swapped for junk) never throw, and every item of
// an accepted body is accounted for: decoded or rejected with a reason, none silently gone.
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../../src/decode/decode.js';
import { judgeBody } from '../../../../src/sources/webhook/body.js';
import { auditEvent } from '../../../helpers/events.js';

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// (An empty array item holds no events; the decoder rightly yields nothing for it, so it is not junk here.)
const JUNK: unknown[] = [null, 7, 'x', [1], {}, { auditID: 1 }, { kind: 'Pod' }, { auditID: 'a', stage: 'Nope' }, [[2]]];

describe('webhook body fuzz', () => {
  const decoder = createDecoder({ defaultCluster: 'fuzz' });
  const base = Array.from({ length: 20 }, () => {
    const { kind: _k, apiVersion: _a, ...item } = auditEvent();
    return item;
  });

  it('never throws on mutated bodies, and accounts for every item of an accepted one', () => {
    const random = rng(20261120);
    for (let round = 0; round < 400; round++) {
      const items: unknown[] = base.map((e) => (random() < 0.2 ? JUNK[Math.floor(random() * JUNK.length)] : e));
      let text = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
      const mutation = random();
      if (mutation < 0.2) text = text.slice(0, Math.floor(random() * text.length));
      else if (mutation < 0.4) {
        const i = Math.floor(random() * text.length);
        text = text.slice(0, i) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(i + 1);
      }
      const judged = judgeBody(text);
      const rec = judged.ok ? { text, value: judged.value, origin: { source: 'fuzz' }, cluster: 'c' } : { text, origin: { source: 'fuzz' }, cluster: 'c' };
      const out = decoder.decode([rec]);
      if (judged.ok && mutation >= 0.4) expect(out.events.length + out.rejected.length).toBe(judged.items);
      if (!judged.ok) expect(out.events.length).toBe(0);
      for (const e of out.events) expect(e.cluster).toBe('c');
    }
  });
});
