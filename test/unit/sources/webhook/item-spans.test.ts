// The item splitter must agree with JSON.parse: whenever it cuts a body, the body is valid JSON and
// its items are exactly the cut texts; whenever JSON.parse refuses a body, it does not cut it.
import { describe, expect, it } from 'vitest';
import { itemSpans } from '../../../../src/sources/webhook/item-spans.js';
import { auditEvent } from '../../../helpers/events.js';

/** The body's bytes followed by the 0 sentinel, as readBody gives them. */
function bytesOf(text: string): { bytes: Buffer; size: number } {
  const size = Buffer.byteLength(text);
  const bytes = Buffer.alloc(size + 1);
  bytes.write(text);
  return { bytes, size };
}

function cut(text: string): string[] | undefined {
  const { bytes, size } = bytesOf(text);
  const spans = itemSpans(bytes, size);
  if (!spans) return undefined;
  const out: string[] = [];
  for (let k = 0; k < spans.length; k += 2) out.push(bytes.toString('utf8', spans[k], spans[k + 1]));
  return out;
}

const item = () => {
  const { kind: _k, apiVersion: _a, ...e } = auditEvent();
  return e;
};

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('webhook item spans', () => {
  it('cuts an EventList as kube-apiserver sends it into its items’ own texts', () => {
    const items = [item(), item(), item()];
    const texts = cut(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items }));
    expect(texts).toEqual(items.map((e) => JSON.stringify(e)));
  });

  it('keeps each item’s text as sent: whitespace, key order and non-ASCII included', () => {
    const a = '{ "auditID" : "a",\n  "user": {"username": "jörg"} }';
    const b = '{"stage":"ResponseComplete","auditID":"b","note":"\\u00e9\\"}"}';
    expect(cut(` {"items" : [ ${a} ,\n${b} ], "kind":"EventList"} \n`)).toEqual([a, b]);
    expect(cut(`[${a},${b}]`)).toEqual([a, b]);
  });

  it.each([
    ['a single event', JSON.stringify(auditEvent())],
    ['an empty EventList', '{"kind":"EventList","items":[]}'],
    ['an item that is not an object', '{"kind":"EventList","items":[{"auditID":"a"},1]}'],
    ['another kind', '{"kind":"PodList","items":[{"a":1}]}'],
    ['no kind', '{"items":[{"a":1}]}'],
    ['a kind spelled with escapes', '{"kind":"Event\\u004cist","items":[{"a":1}]}'],
    ['a key spelled with escapes', '{"kind":"EventList","it\\u0065ms":[{"a":1}],"items":[{"b":1}]}'],
    ['items twice', '{"kind":"EventList","items":[{"a":1}],"items":[{"b":1}]}'],
    ['kind twice', '{"kind":"EventList","kind":"PodList","items":[{"a":1}]}'],
    ['invalid JSON in an item', '{"kind":"EventList","items":[{"a":01}]}'],
    ['a raw control character in a string', '{"kind":"EventList","items":[{"a":"x\ty"}]}'],
    ['trailing garbage', '{"kind":"EventList","items":[{"a":1}]} x'],
    ['a cut body', '{"kind":"EventList","items":[{"a":1}'],
    ['items nested deeper than the scan follows', `{"kind":"EventList","items":[${'{"a":'.repeat(700)}1${'}'.repeat(700)}]}`],
  ])('leaves %s to JSON.parse', (_name, text) => {
    expect(cut(text)).toBeUndefined();
  });

  it('agrees with JSON.parse on mutated bodies', () => {
    const random = rng(7);
    const base = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [item(), item(), item(), item()] });
    let cutBodies = 0;
    for (let round = 0; round < 3000; round++) {
      let text = base;
      const edits = 1 + Math.floor(random() * 2);
      for (let k = 0; k < edits; k++) {
        const i = Math.floor(random() * text.length);
        const r = random();
        const ch = '{}[],:"\\ 0a-e.tn'[Math.floor(random() * 17)]!;
        text = r < 0.4 ? text.slice(0, i) + ch + text.slice(i + 1) : r < 0.7 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + ch + text.slice(i);
      }
      let parsed: { kind?: unknown; items?: unknown } | undefined;
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        parsed = undefined;
      }
      const texts = cut(text);
      if (!parsed) {
        expect(texts, text).toBeUndefined();
        continue;
      }
      if (!texts) continue;
      cutBodies++;
      expect(parsed.kind, text).toBe('EventList');
      expect(texts.map((t) => JSON.parse(t) as unknown), text).toEqual(parsed.items);
    }
    expect(cutBodies).toBeGreaterThan(100);
  });
});
