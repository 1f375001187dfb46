// body-scan.ts does three jobs in one pass; each is held to what it replaced: acceptance to JSON.parse
// (and json-scan's skipValue bounds), member offsets to json-scan's objectMembers, the redaction
// verdict to redactEvent (here for the env-entry cases it judges by structure; redaction-screen.test.ts
// holds it to redaction on generated and real bodies through mayNeedRedaction).
import fc from 'fast-check';
import { agreesWithJsonParse } from '../../helpers/json-agreement.js';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { INVALID, mayNeedRedaction, scanBody, scanned, TOO_DEEP } from '../../../src/decode/body-scan.js';
import { asciiBytes, MEMBER_FIELDS, objectMembers, skipValue, TOO_MANY } from '../../../src/core/json-scan.js';
import { flaggedBefore } from '../../../src/decode/redaction-screen.js';
import { redactEvent } from '../../../src/enrich/redact.js';
import { auditEvent } from '../../helpers/events.js';

/** scanBody over the whole text, as JSON.parse reads it: one value, whitespace around it. */
function scans(text: string): boolean {
  const b = asciiBytes(text);
  if (!b) throw new Error('test texts are ASCII');
  const end = scanBody(b, 0, 10_000, new Int32Array(2 + MEMBER_FIELDS * 8));
  if (end < 0) return false;
  let j = end;
  while (j < text.length && ' \t\n\r'.includes(text[j]!)) j++;
  return j === text.length;
}

describe('body-scan accepts exactly what JSON.parse accepts', () => {
  agreesWithJsonParse(scans, ['"name":', '"value":', '"password=x"']);

  it('bounds nesting as skipValue does: the value itself is depth 1', () => {
    const nest = (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`;
    const m = new Int32Array(2 + MEMBER_FIELDS * 8);
    expect(scanBody(asciiBytes(nest(5))!, 0, 5, m)).toBe(10);
    expect(scanBody(asciiBytes(nest(5))!, 0, 4, m)).toBe(TOO_DEEP);
    const deep = `{"a":${'{"b":'.repeat(600)}1${'}'.repeat(600)}}`;
    expect(scanBody(asciiBytes(deep)!, 0, 511, m)).toBe(TOO_DEEP);
    expect(skipValue(asciiBytes(deep)!, 0, 511)).toBe(TOO_DEEP);
    expect(scanBody(asciiBytes('{"a":1,}')!, 0, 10, m)).toBe(INVALID);
  });
});

describe('body-scan records top-level members as objectMembers does', () => {
  it('on generated objects, with room for all members and without', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 10 }), fc.boolean(), fc.integer({ min: 1, max: 12 }), (o, pretty, room) => {
        const text = ` ${JSON.stringify(o, null, pretty ? 1 : undefined).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
        const b = asciiBytes(text)!;
        const want = new Int32Array(2 + MEMBER_FIELDS * room);
        const got = new Int32Array(2 + MEMBER_FIELDS * room);
        const n = objectMembers(b, 0, 100, want);
        const end = scanBody(b, 0, 100, got);
        expect(end).toBe(text.length);
        if (n === TOO_MANY) expect(scanned.members).toBe(-1);
        else {
          expect(scanned.members).toBe(n);
          expect([...got.subarray(0, 2 + n * MEMBER_FIELDS)]).toEqual([...want.subarray(0, 2 + n * MEMBER_FIELDS)]);
        }
      }),
      { seed: 17, numRuns: 3000 },
    );
  });

  it('says an array body has no members to record', () => {
    scanBody(asciiBytes('[{"metadata":{}}]')!, 0, 10, new Int32Array(12));
    expect(scanned.members).toBe(-1);
  });
});

/** Whether redactEvent changes anything in this body of an event on a resource redaction does not read whole. */
function redactionChanges(bodyText: string): boolean {
  const e = auditEvent({ level: 'RequestResponse', verb: 'create', requestURI: '/api/v1/pods', objectRef: { resource: 'pods', namespace: 'n', name: 'w' }, annotations: undefined, requestObject: JSON.parse(bodyText) as unknown }) as unknown as AuditEvent;
  return redactEvent(e);
}

function screened(text: string): boolean {
  return mayNeedRedaction(asciiBytes(text)!, 0, text.length);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('env entries are judged by the structure of the body', () => {
  it.each([
    ['an env entry that takes its credential from a Secret', { spec: { containers: [{ env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'LOG', value: 'debug' }] }] } }],
    ['a managedFields key naming a credential env entry', { metadata: { managedFields: [{ fieldsV1: { 'f:spec': { 'k:{"name":"DB_PASSWORD"}': { '.': {}, 'f:valueFrom': {} } } } }] } }],
    ['an env entry with an empty value', { env: [{ name: 'API_TOKEN', value: '' }] }],
    ['an env entry whose value is not a string', { env: [{ name: 'API_TOKEN', value: 42 }] }],
    ['a credential name and a value in different objects', { a: { name: 'X_SECRET' }, b: { value: 'v' } }],
    ['a credential name in an ordinary string', { note: '{"name":"DB_PASSWORD","value":"x"} is an example' }],
  ])('lets through %s', (_name, o) => {
    const text = JSON.stringify(o);
    expect(redactionChanges(text)).toBe(false);
    expect(screened(text)).toBe(false);
  });

  it.each([
    ['an env entry with a value', { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }],
    ['an env entry with its value first', { env: [{ value: 'hunter2', name: 'DB_PASSWORD' }] }],
    ['an env entry with valueFrom and a value', { env: [{ name: 'DB_PASSWORD', valueFrom: { x: { name: 'y' } }, value: 'hunter2' }] }],
    ['the body itself shaped like an env entry', { name: 'client-key', value: 'abc' }],
    ['an env entry inside a last-applied copy', { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ env: [{ name: 'API_TOKEN', value: 'v' }] }) } } }],
    ['an env entry inside a last-applied copy of a last-applied copy', { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ env: [{ name: 'API_TOKEN', value: 'v' }] }) } } }) } } }],
  ])('flags %s', (_name, o) => {
    const text = JSON.stringify(o);
    expect(redactionChanges(text)).toBe(true);
    expect(screened(text)).toBe(true);
  });

  it('flags keys it cannot read exactly: escaped, and names spelt with escapes', () => {
    for (const text of ['{"env":[{"n\\u0061me":"DB_PASSWORD","value":"x"}]}', '{"env":[{"name":"DB_P\\u0041SSWORD","value":"x"}]}', '{"env":[{"name":"DB_PASSWORD","v\\u0061lue":"x"}]}']) {
      expect(redactionChanges(text)).toBe(true);
      expect(screened(text)).toBe(true);
    }
  });
});

describe('the screen inside a line', () => {
  it('confirms a keyword against the body, not the rest of the line', () => {
    // "auth" follows in the line's annotations; the body's own name has no credential word.
    const body = JSON.stringify({ metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ env: [{ name: 'LOG', value: 'x' }] }) } } });
    const line = `{"requestObject":${body},"annotations":{"authorization.k8s.io/decision":"allow"}}`;
    const b = asciiBytes(line)!;
    const start = line.indexOf('{', 1);
    expect(scanBody(b, start, 100, new Int32Array(12))).toBe(start + body.length);
    expect(scanned.mayNeedRedaction).toBe(false);
  });
});

describe('the screen parses no body the screen before it carried', () => {
  const NAMES = fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'LOG_LEVEL', 'x_secret', 'HOME', 'n\u0061me', 'a&b');
  const entry = fc.record({ name: NAMES, value: fc.option(fc.constantFrom('', 'v', 'Bearer abcdefghijk', 'a&b'), { nil: undefined }), valueFrom: fc.option(fc.constant({ secretKeyRef: { name: 's', key: 'password' } }), { nil: undefined }) });
  const body = fc.record({
    kind: fc.option(fc.constantFrom('Pod', 'Secret', 'configmap'), { nil: undefined }),
    env: fc.array(entry, { maxLength: 3 }),
    managed: fc.array(NAMES.map((n) => ({ [`k:{"name":"${n}"}`]: { '.': {} } })), { maxLength: 2 }),
    applied: fc.option(fc.array(entry, { maxLength: 2 }).map((env) => JSON.stringify({ spec: { env } })), { nil: undefined }),
    extra: fc.jsonValue({ maxDepth: 2 }),
  });
  it('on generated bodies, however they are written', () => {
    let carriedNow = 0;
    fc.assert(
      fc.property(body, fc.boolean(), fc.boolean(), (o, pretty, goEscapes) => {
        const v = { kind: o.kind, metadata: { annotations: o.applied === undefined ? {} : { [LAST_APPLIED]: o.applied }, managedFields: [{ fieldsV1: Object.assign({}, ...o.managed) }] }, spec: { containers: [{ env: o.env }] }, extra: o.extra };
        let text = JSON.stringify(v, null, pretty ? 1 : undefined).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        if (goEscapes) text = text.replace(/&/g, '\\u0026');
        const b = asciiBytes(text)!;
        expect(scanBody(b, 0, 100, new Int32Array(12))).toBe(text.length);
        const before = flaggedBefore(b, 0, text.length);
        const now = scanned.mayNeedRedaction;
        expect({ text, now }).toEqual({ text, now: now && before });
        if (before && !now) carriedNow++;
      }),
      { seed: 23, numRuns: 4000 },
    );
    expect(carriedNow).toBeGreaterThan(200);
  });
});
