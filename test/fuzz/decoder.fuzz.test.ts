// Hostile and broken input, generated: random bytes, truncated JSON, invalid UTF-8, deep nesting,
// huge strings and arrays, __proto__ / constructor keys, wrong types in every field. Fed to the
// decoder (as a log line or a Kafka message would be) and to the webhook's body judgement followed
// by the decoder (as a webhook POST would be); whatever decode accepts then goes through enrich
// (redaction, the document, its JSON) and detect. Checked for every case: nothing throws, every
// input comes out as events or rejections, every rejection says why, kept rejected text is bounded,
// and Object.prototype is untouched. Seeded (FUZZ_SEED=… replays a run); the case counts are printed.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/core/record.js';
import { REJECTED_TEXT_LIMIT } from '../../src/core/record.js';
import { createDecoder } from '../../src/decode/decode.js';
import { loadCatalogue } from '../../src/detect/catalogue.js';
import { createDetector } from '../../src/detect/engine.js';
import { createEnricher } from '../../src/enrich/enrich.js';
import { processRecords } from '../../src/pipeline/process.js';
import { judgeBody } from '../../src/sources/webhook/body.js';
import { auditEvent } from '../helpers/events.js';

const SEED = Number(process.env.FUZZ_SEED) || 20261128;
const RUNS = Number(process.env.FUZZ_RUNS) || 4000;
const stages = { decoder: createDecoder({ defaultCluster: 'fuzz' }), enrich: createEnricher({ redact: true }), detector: createDetector(loadCatalogue()) };
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
let cases = 0;
const tally: string[] = [];

afterAll(() => {
  console.log(`fuzz: ${cases} cases (seed ${SEED}, ${RUNS} runs per property): ${tally.join('; ')}; no crash, no hang, no prototype pollution`);
});

/** Runs one record through decode → enrich → detect and checks the invariants; returns what came out. */
function check(rec: RawRecord): { events: number; rejected: number } {
  cases++;
  const out = processRecords(stages, [rec]);
  // Plain checks in the loops (expect() per item is slow on 200k rejections); expect() on the first bad one.
  for (const r of out.rejected) {
    if (typeof r.reason !== 'string' || r.reason.length === 0 || r.text.length > REJECTED_TEXT_LIMIT + 64 || r.origin.source !== rec.origin.source) {
      expect({ reason: r.reason, textLength: r.text.length, source: r.origin.source }).toEqual({ reason: expect.stringMatching(/./), textLength: expect.any(Number), source: rec.origin.source });
      expect(r.text.length).toBeLessThanOrEqual(REJECTED_TEXT_LIMIT + 64);
    }
  }
  for (const e of out.events) {
    if (typeof e.id !== 'string' || typeof e.json() !== 'string') expect({ id: e.id, json: typeof e.json() }).toEqual({ id: expect.any(String), json: 'string' });
  }
  assertPrototypeClean();
  return { events: out.events.length, rejected: out.rejected.length };
}

function assertPrototypeClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_KEYS);
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'isAdmin', 'auditID', 'kind', 'items', 'verb', 'user', 'x']) expect(probe[k]).toBeUndefined();
}

/** Nothing can come out only when the input is, or wraps, an empty list. */
function mayBeEmpty(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(mayBeEmpty);
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['items', 'records', 'logEvents'].some((k) => Array.isArray(o[k]) && (o[k] as unknown[]).every(mayBeEmpty));
}

const line = (text: string): RawRecord => ({ text, origin: { source: 'fuzz.log', line: 1 } });

/** Field names the decoder and the stages after it read, plus the classic pollution keys. */
const FIELD = fc.constantFrom(
  'kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'username', 'groups', 'extra', 'impersonatedUser',
  'sourceIPs', 'userAgent', 'objectRef', 'resource', 'namespace', 'name', 'subresource', 'apiGroup', 'responseStatus', 'code',
  'requestObject', 'responseObject', 'spec', 'containers', 'image', 'securityContext', 'privileged', 'hostPID', 'data', 'stringData',
  'metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration', 'status', 'token', 'rules', 'subjects', 'roleRef',
  'items', 'records', 'logEvents', 'message', 'protoPayload', 'properties', 'log', 'stageTimestamp', 'requestReceivedTimestamp',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
);
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.constantFrom('', 'get', 'delete', 'secrets', 'pods', 'exec', 'Secret', 'Event', 'EventList', '2026-11-20T09:00:00Z', 'not a date', 'system:anonymous', 'privileged', '-----BEGIN RSA PRIVATE KEY-----'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(FIELD, fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A valid event with some fields (at any depth it has) replaced by wrong types and hostile values. */
const mutatedEvent = fc
  .tuple(fc.array(fc.tuple(fc.array(FIELD, { minLength: 1, maxLength: 3 }), hostileValue), { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([edits, withBody]) => {
    const e = auditEvent(withBody ? { level: 'RequestResponse', verb: 'create', objectRef: { resource: 'pods', namespace: 'shop', name: 'p' }, requestObject: { kind: 'Pod', spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }], hostPID: true } } } : {});
    for (const [path, value] of edits) setPath(e, path, value);
    return e;
  });

/** Sets a value at a path, creating plain objects on the way; uses defineProperty so __proto__ is an own key, as JSON.parse makes it. */
function setPath(root: Record<string, unknown>, path: string[], value: unknown): void {
  let o: Record<string, unknown> = root;
  for (const k of path.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) Object.defineProperty(o, k, { value: {}, enumerable: true, writable: true, configurable: true });
    o = o[k] as Record<string, unknown>;
  }
  Object.defineProperty(o, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

const params = { seed: SEED, numRuns: RUNS, endOnFailure: true } as const;

// Generous timeouts: under a loaded CI (files run in parallel on 2 cores) a property takes several seconds.
describe('decoder fuzz', { timeout: 90_000 }, () => {
  it('survives random bytes (invalid UTF-8 included), each input rejected with a reason or decoded', () => {
    const before = cases;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const text = Buffer.from(bytes).toString('utf8');
        const r = check(line(text));
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          expect(r).toEqual({ events: 0, rejected: 1 });
          return;
        }
        if (!mayBeEmpty(parsed)) expect(r.events + r.rejected).toBeGreaterThan(0);
      }),
      params,
    );
    tally.push(`random bytes ${cases - before}`);
  });

  it('survives truncated JSON of real events and lists', () => {
    const before = cases;
    const list = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [auditEvent(), auditEvent({ verb: 'delete' })] });
    fc.assert(
      fc.property(fc.constantFrom(list, JSON.stringify(auditEvent()), JSON.stringify([auditEvent()])), fc.nat(), (text, cut) => {
        const t = text.slice(0, cut % text.length);
        const r = check(line(t));
        expect(r).toEqual({ events: 0, rejected: 1 });
      }),
      params,
    );
    tally.push(`truncated JSON ${cases - before}`);
  });

  it('survives events with wrong types and hostile keys in any field, through decode, enrich and detect', () => {
    const before = cases;
    let decoded = 0;
    fc.assert(
      fc.property(fc.array(mutatedEvent, { minLength: 1, maxLength: 5 }), (evs) => {
        // As a log line: parsed by the decoder itself.
        const text = JSON.stringify(evs);
        const r = check(line(text));
        // Each item has an auditID or is an event-shaped object: exactly one outcome per item.
        const countable = evs.filter((e) => !Array.isArray(e) && (typeof e.auditID === 'string' || e.kind === 'Event'));
        if (countable.length === evs.length) expect(r.events + r.rejected).toBe(evs.length);
        else if (!mayBeEmpty(evs)) expect(r.events + r.rejected).toBeGreaterThan(0);
        decoded += r.events;
        // As a webhook body: judged, then handed over already parsed.
        const judged = judgeBody(text);
        expect(judged.ok).toBe(true);
        if (judged.ok) check({ text, value: judged.value, origin: { source: 'webhook' } });
      }),
      params,
    );
    tally.push(`mutated events ${cases - before} (${decoded} accepted and enriched/detected)`);
  });

  it('judges any webhook body with a reason, and decodes what it accepts', () => {
    const before = cases;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), hostileValue.map((v) => JSON.stringify(v) ?? 'undefined'), mutatedEvent.map((e) => JSON.stringify({ kind: 'EventList', items: [e] }))), (body) => {
        const judged = judgeBody(body);
        if (!judged.ok) {
          expect(judged.reason.length).toBeGreaterThan(0);
          assertPrototypeClean();
          cases++;
          return;
        }
        check({ text: body, value: judged.value, origin: { source: 'webhook' } });
      }),
      params,
    );
    tally.push(`webhook bodies ${cases - before}`);
  });

  describe('extremes', { timeout: 90_000 }, () => {
    it.each([
      ['100k nested arrays', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['100k nested arrays around an event', () => `${'['.repeat(100_000)}${JSON.stringify(auditEvent())}${']'.repeat(100_000)}`],
      ['100k nested EventLists', () => `${'{"kind":"EventList","items":['.repeat(100_000)}${']}'.repeat(100_000)}`],
      ['an event with a 100k-deep requestObject', () => JSON.stringify(auditEvent({ level: 'RequestResponse' })).replace(/}$/, `,"requestObject":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`)],
      ['an event with a 100k-deep array in requestObject.spec', () => JSON.stringify(auditEvent({ level: 'RequestResponse', objectRef: { resource: 'pods', namespace: 'x', name: 'y' } })).replace(/}$/, `,"requestObject":{"kind":"Pod","spec":{"containers":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`)],
      ['1M unclosed brackets', () => '['.repeat(1_000_000)],
    ])('%s: no crash, a reason or an event', (_name, make) => {
      const text = make();
      const r = check(line(text));
      expect(r.events + r.rejected).toBeGreaterThan(0);
      tally.push(`${_name}: ${r.events} event(s), ${r.rejected} rejection(s)`);
    });

    it('a 50 MB string: bounded memory, rejected text cut', () => {
      const huge = 'A'.repeat(50 * 1024 * 1024);
      const rss = process.memoryUsage().rss;
      // Not JSON at all, a JSON string, and an event carrying it in a field.
      const r1 = check(line(huge));
      expect(r1).toEqual({ events: 0, rejected: 1 });
      const r2 = check(line(`"${huge}"`));
      expect(r2).toEqual({ events: 0, rejected: 1 });
      const r3 = check(line(JSON.stringify(auditEvent({ userAgent: huge }))));
      expect(r3.events + r3.rejected).toBe(1);
      const grown = (process.memoryUsage().rss - rss) / 2 ** 20;
      // A few copies of the 50 MB input at most (the text, its parse, one serialisation), never a blow-up.
      expect(grown).toBeLessThan(600);
      tally.push(`50 MB string: 3 cases, rss +${grown.toFixed(0)} MB`);
    });

    it('a 200k-item array of numbers and an EventList of 50k items', () => {
      const r1 = check(line(JSON.stringify(Array.from({ length: 200_000 }, (_, i) => i))));
      expect(r1).toEqual({ events: 0, rejected: 200_000 });
      const ev = JSON.stringify(auditEvent());
      const r2 = check(line(`{"kind":"EventList","items":[${Array.from({ length: 50_000 }, () => ev).join(',')}]}`));
      expect(r2.events + r2.rejected).toBe(50_000);
      tally.push('huge arrays: 200k rejections, a 50k-item list');
    });

    it('__proto__, constructor and prototype keys everywhere do not pollute', () => {
      const nasty = '{"__proto__":{"polluted":1,"isAdmin":true},"constructor":{"prototype":{"polluted":1}},"prototype":{"x":1}}';
      const bodies = [
        nasty,
        `{"kind":"EventList","items":[${nasty}],"__proto__":{"polluted":1}}`,
        JSON.stringify(auditEvent()).replace(/^{/, '{"__proto__":{"polluted":1,"verb":"delete"},').replace(/"user":{/, '"user":{"__proto__":{"isAdmin":true},'),
        JSON.stringify(auditEvent({ level: 'RequestResponse', objectRef: { resource: 'secrets', namespace: 'x', name: 'y' } })).replace(/}$/, `,"requestObject":{"kind":"Secret","data":${nasty},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":${JSON.stringify(`{"kind":"Secret","data":${nasty}}`)}}}}}`),
        JSON.stringify(auditEvent()).replace(/"annotations":{/, '"annotations":{"__proto__":"x","constructor":"y",'),
      ];
      for (const b of bodies) {
        const r = check(line(b));
        expect(r.events + r.rejected).toBeGreaterThan(0);
      }
      tally.push(`pollution keys: ${bodies.length} cases`);
    });
  });
});
