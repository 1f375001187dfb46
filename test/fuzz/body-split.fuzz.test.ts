// Decoding with the bodies option (bodies cut out of the line, validated by json-scan, parsed only
// when needed) must change how a line is decoded, never what comes out. Generated RequestResponse
// lines — bodies of any JSON, keys that decoy the cut (requestObject inside user.extra or inside the
// other body, metadata twice, escaped spellings), then one character changed, inserted or removed
// anywhere — are decoded without the option, with every body carried as text where redaction
// allows, and with every body parsed: the same events (as JSON), the same rejection reasons and the
// same documents. Seeded (FUZZ_SEED=… replays a run).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOTH_BODIES } from '../../src/decode/body-split.js';
import { createDecoder } from '../../src/decode/decode.js';
import { createEnricher } from '../../src/enrich/enrich.js';
import { auditEvent } from '../helpers/events.js';

const SEED = Number(process.env.FUZZ_SEED) || 20261128;
const RUNS = Number(process.env.FUZZ_RUNS) || 3000;

const plain = createDecoder({ defaultCluster: 'fuzz' });
const lazy = createDecoder({ defaultCluster: 'fuzz', bodies: () => 0 });
const eager = createDecoder({ defaultCluster: 'fuzz', bodies: () => BOTH_BODIES });
const enrich = createEnricher({ redact: true });

function outcome(decoder: ReturnType<typeof createDecoder>, text: string) {
  const out = decoder.decode([{ text, origin: { source: 'fuzz.log', line: 1 } }]);
  return {
    events: out.events.map((r) => JSON.parse(JSON.stringify(r.event)) as unknown),
    rejected: out.rejected.map((r) => r.reason),
    documents: enrich(out.events).map((e) => JSON.parse(e.json()) as unknown),
  };
}

const KEY = fc.constantFrom('requestObject', 'responseObject', 'metadata', 'kind', 'name', 'value', 'data', 'spec', 'items', 'annotations', 'env', '__proto__', 'a.b', 'x"y');
const JSONISH: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('', 'Secret', 'ConfigMap', 'DB_PASSWORD', 'Bearer abcdefghijkl', 'a&b<c>', 'x"y', 'back\\slash', '\u0001', 'é', '\ud800'),
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(KEY, fc.string({ maxLength: 5 })), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const BODY = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(KEY, JSONISH, { maxKeys: 5 }) },
  { weight: 1, arbitrary: JSONISH },
);

/** A RequestResponse line as kube-apiserver writes it (bodies before timestamps and annotations), sometimes with decoys. */
const LINE = fc
  .record({
    req: fc.option(BODY, { nil: undefined }),
    res: fc.option(BODY, { nil: undefined }),
    extra: fc.option(fc.dictionary(KEY, fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), { maxKeys: 2 }), { nil: undefined }),
    resource: fc.constantFrom('widgets', 'pods', 'secrets', 'configmaps', 'serviceaccounts'),
    spacing: fc.constantFrom(undefined, 1),
    goEscapes: fc.boolean(),
  })
  .map(({ req, res, extra, resource, spacing, goEscapes }) => {
    const e = auditEvent({ level: 'RequestResponse', verb: 'update', objectRef: { resource, namespace: 'n', name: 'x' }, ...(extra ? { user: { username: 'u', extra } } : {}) });
    const { requestReceivedTimestamp, stageTimestamp, annotations, ...head } = e;
    const ordered = { ...head, requestObject: req, responseObject: res, requestReceivedTimestamp, stageTimestamp, annotations };
    const text = JSON.stringify(ordered, null, spacing);
    return goEscapes ? text.replace(/[&<>]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : text;
  });

const sameOutcomes = (text: string) => {
  const expected = outcome(plain, text);
  expect({ text, ...outcome(lazy, text) }).toEqual({ text, ...expected });
  expect({ text, ...outcome(eager, text) }).toEqual({ text, ...expected });
};

describe('decoding with the bodies option', { timeout: 120_000 }, () => {
  it('gives the same events, rejections and documents as decoding without it', () => {
    fc.assert(fc.property(LINE, sameOutcomes), { seed: SEED, numRuns: RUNS });
  });

  it('rejects exactly the same lines after one character is changed, inserted or removed', () => {
    fc.assert(
      fc.property(LINE, fc.nat(), fc.boolean(), fc.constantFrom(...'{}[],:"\\ 0-.etfnx\u0001'), fc.constantFrom('set', 'insert', 'delete'), (text, at, inBody, ch, op) => {
        // Anywhere in the line, or (half the time) inside the bodies, where the cut is made.
        const from = inBody ? Math.max(0, text.indexOf('"requestObject"'), text.indexOf('"responseObject"')) : 0;
        const to = inBody ? Math.max(from, text.indexOf('"requestReceivedTimestamp"')) : text.length;
        const i = from + (at % (to - from + 1));
        const spoilt = op === 'set' ? text.slice(0, i) + ch + text.slice(i + 1) : op === 'insert' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
        sameOutcomes(spoilt);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});
