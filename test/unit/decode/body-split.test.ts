import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../src/core/record.js';
import { BOTH_BODIES, REQUEST_BODY, type BodyNeeds } from '../../../src/decode/body-split.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { bodySpanOf, RawJson } from '../../../src/decode/raw-body.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { REDACTED } from '../../../src/enrich/redact.js';
import { auditEvent, CORPUS, raw, REPO_ROOT } from '../../helpers/events.js';

const plain = createDecoder({ defaultCluster: 'c' });
/** No rule needs any body: every body redaction leaves alone is carried as text. */
const lazy = createDecoder({ defaultCluster: 'c', bodies: () => 0 });
/** Every body needed: all parsed, but located for the document. */
const eager = createDecoder({ defaultCluster: 'c', bodies: () => BOTH_BODIES });
const enrich = createEnricher({ redact: true });

/** Members in the order kube-apiserver writes them: bodies before the timestamps and annotations. */
const ORDER = ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations'];
const apiserverOrder = (e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b)));

const rr = (o: Record<string, unknown> = {}) =>
  apiserverOrder(auditEvent({
    level: 'RequestResponse',
    verb: 'update',
    requestURI: '/apis/example.io/v1/namespaces/shop/widgets/w',
    objectRef: { resource: 'widgets', namespace: 'shop', name: 'w', apiGroup: 'example.io', apiVersion: 'v1' },
    requestObject: { kind: 'Widget', apiVersion: 'example.io/v1', metadata: { name: 'w', namespace: 'shop', labels: { a: 'b' } }, spec: { size: 3, tags: ['x', 'y'] } },
    responseObject: { kind: 'Widget', apiVersion: 'example.io/v1', metadata: { name: 'w', resourceVersion: '7' }, spec: { size: 3 }, status: { ready: true } },
    ...o,
  }));

/** The event as JSON says it is (RawJson bodies written as their value). */
const asJson = (r: AuditRecord | undefined) => (r ? (JSON.parse(JSON.stringify(r.event)) as unknown) : undefined);
/** Everything a decoder makes of one line: events as JSON, rejections, and each event's document. */
function outcome(decoder: ReturnType<typeof createDecoder>, text: string) {
  const out = decoder.decode([raw(text)]);
  return {
    events: out.events.map(asJson),
    rejected: out.rejected.map((r) => r.reason),
    documents: enrich(out.events).map((e) => JSON.parse(e.json()) as unknown),
  };
}
/** The option changes how a line is decoded, never what comes out. */
function sameAsWithout(text: string): void {
  const expected = outcome(plain, text);
  expect(outcome(lazy, text)).toEqual(expected);
  expect(outcome(eager, text)).toEqual(expected);
}

describe('decoding with the bodies option', () => {
  it('carries a body no rule needs as its text, and the event is the one JSON.parse makes', () => {
    const text = JSON.stringify(rr());
    const e = lazy.decode([raw(text)]).events[0]!.event;
    expect(e.requestObject).toBeInstanceOf(RawJson);
    expect(e.responseObject).toBeInstanceOf(RawJson);
    // Nothing to walk into: rules and redaction find no fields in it.
    expect(Object.keys(e.requestObject as object)).toEqual([]);
    expect((e.requestObject as Record<string, unknown>).spec).toBeUndefined();
    expect(JSON.parse(JSON.stringify(e))).toEqual(JSON.parse(text));
    sameAsWithout(text);
  });

  it('parses the bodies `needs` asks for, asking with what is known before they are parsed', () => {
    const calls: unknown[][] = [];
    const needs: BodyNeeds = (...args) => {
      calls.push(args);
      return REQUEST_BODY;
    };
    const e = createDecoder({ defaultCluster: 'c', bodies: needs }).decode([raw(rr({ stage: 'ResponseComplete', objectRef: { resource: 'pods', subresource: 'status', namespace: 'n', name: 'p', apiGroup: '' } }))]).events[0]!.event;
    expect(calls).toEqual([['update', 'pods', 'status', '', 'ResponseComplete']]);
    expect(e.requestObject).toMatchObject({ spec: { size: 3 } });
    expect(e.responseObject).toBeInstanceOf(RawJson);
  });

  it('parses whole the lines of Metadata-level events and of webhook bodies that arrive parsed', () => {
    const meta = lazy.decode([raw(auditEvent())]).events[0]!;
    expect(meta.raw).toBeDefined();
    const parsed = JSON.parse(JSON.stringify(rr())) as unknown;
    const e = lazy.decode([{ text: '', value: parsed, origin: { source: 'webhook' } }]).events[0]!.event;
    expect(e.requestObject).not.toBeInstanceOf(RawJson);
  });

  it.each([
    ['a doubled comma', (t: string) => t.replace('"size":3', '"size":3,,"x":1')],
    ['a bad literal', (t: string) => t.replace('"size":3', '"size":tru')],
    ['a leading zero', (t: string) => t.replace('"size":3', '"size":03')],
    ['a raw control character in a string', (t: string) => t.replace('"x"', '"x\u0001"')],
    ['an unknown escape', (t: string) => t.replace('"x"', '"\\x41"')],
    ['an unclosed object', (t: string) => t.replace('"tags":["x","y"]}}', '"tags":["x","y"]}')],
    ['a missing value', (t: string) => t.replace('"size":3', '"size":')],
    ['a truncated line', (t: string) => t.slice(0, t.indexOf('"spec"') + 12)],
  ])('rejects a line whose body is not valid JSON (%s), with the reason it gets without the option', (_name, spoil) => {
    const text = spoil(JSON.stringify(rr()));
    expect(() => JSON.parse(text)).toThrow();
    const expected = outcome(plain, text);
    expect(expected.rejected).toHaveLength(1);
    expect(expected.rejected[0]).toMatch(/not valid JSON/);
    expect(outcome(lazy, text)).toEqual(expected);
  });

  it('rejects a body nested deeper than any object needs, with the reason it gets without the option', () => {
    const deep = (d: number) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
    for (const d of [509, 510, 511, 512, 600]) {
      const text = JSON.stringify(rr()).replace('"spec":{"size":3,"tags":["x","y"]}', `"spec":${deep(d)}`);
      const expected = outcome(plain, text);
      expect(outcome(lazy, text)).toEqual(expected);
    }
    const tooDeep = JSON.stringify(rr()).replace('"spec":{"size":3,"tags":["x","y"]}', `"spec":${deep(600)}`);
    expect(outcome(lazy, tooDeep).rejected[0]).toMatch(/nested deeper than 512/);
  });

  it.each([
    ['a key named requestObject in user.extra', rr({ user: { username: 'u', extra: { requestObject: ['{"x":1}'], responseObject: ['y'] } } })],
    ['an object named requestObject inside objectRef', JSON.stringify(rr()).replace('"objectRef":{', '"objectRef":{"requestObject":{"kind":"Decoy"},')],
    ['a responseObject key inside the request body', rr({ requestObject: { kind: 'ConfigMap', metadata: { name: 'x' }, data: { responseObject: '{"a":1}' }, spec: { responseObject: { kind: 'Decoy' } } } })],
    ['body keys quoted inside strings', rr({ requestURI: '/x?q="requestObject":{"a":1}', annotations: { note: '"responseObject":[1]' } })],
    ['a second, later requestObject', JSON.stringify(rr()).replace(/}$/, ',"requestObject":{"kind":"Later"}}')],
    ['a later requestObject spelt with an escape', JSON.stringify(rr()).replace(/}$/, ',"request\\u004fbject":{"kind":"Later"}}')],
    ['an earlier requestObject spelt with an escape', JSON.stringify(rr()).replace('"verb":', '"request\\u004fbject":{"kind":"Earlier"},"verb":')],
    ['the placeholder spelt in the line', rr({ annotations: { note: '\ud800 and \ud801' } })],
    ['the placeholder spelt inside the bodies', rr({ requestObject: { metadata: { name: '\ud800' }, spec: { a: '\ud801' } }, responseObject: { note: '\uD800' } })],
    ['the placeholder spelt between the bodies and after them', JSON.stringify(rr()).replace('"responseObject":', '"x":"\\ud801","responseObject":').replace(/}$/, ',"y":"\\ud800"}')],
    ['a decoy key before a body that is the placeholder', rr({ user: { username: 'u', extra: { requestObject: ['x'], responseObject: ['y'] } }, requestObject: '\ud800', responseObject: '\uD801' })],
    ['a field other than the bodies nested too deep', JSON.stringify(rr()).replace('"verb":', `"deep":${'['.repeat(600)}${']'.repeat(600)},"verb":`)],
    ['bodies that are null, a string, an array', rr({ requestObject: null, responseObject: [{ op: 'add', path: '/x', value: 1 }] })],
    ['a scalar body', rr({ requestObject: 'text', responseObject: 42 })],
    ['whitespace around body keys and values', JSON.stringify(rr(), null, 1)],
    ['non-ASCII in a body', rr({ requestObject: { metadata: { name: 'x' }, spec: { note: 'héllo ✓' } } })],
    ['a body metadata spelt with an escape', JSON.stringify(rr()).replace('"metadata":{"name":"w","namespace"', '"m\\u0065tadata":{"name":"w","namespace"')],
    ['a body with metadata twice', JSON.stringify(rr()).replace('"spec":{"size":3,"tags"', '"metadata":{"again":1},"spec":{"size":3,"tags"')],
    ['a body whose only member is metadata', rr({ requestObject: { metadata: { name: 'only' } } })],
    ['a body whose last member is metadata', rr({ requestObject: { kind: 'X', spec: {}, metadata: { name: 'last' } } })],
    ['a body with 100 members', rr({ requestObject: Object.fromEntries([['metadata', { name: 'm' }], ...Array.from({ length: 100 }, (_, i) => [`k${i}`, i])]) })],
    ['an AKS record wrapping an event with bodies', { category: 'kube-audit', properties: { log: rr(), pod: 'p' } }],
    ['an EventList of events with bodies', { kind: 'EventList', items: [rr(), rr()] }],
    ['__proto__ keys in a body', JSON.stringify(rr()).replace('"spec":{"size":3', '"__proto__":{"polluted":1},"spec":{"size":3')],
  ])('is not fooled by %s: the same events, rejections and documents as without the option', (_name, event) => {
    sameAsWithout(typeof event === 'string' ? event : JSON.stringify(event));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes every line of the real captures exactly as without the option', () => {
    const files = [`${REPO_ROOT}samples/audit.log`, ...readdirSync(`${CORPUS}yandex-practicum-task6`).filter((d) => !d.includes('.')).map((d) => `${CORPUS}yandex-practicum-task6/${d}/audit.log`)];
    let carried = 0;
    for (const f of files) {
      const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean);
      const records = lines.map((l, i) => raw(l, i + 1, f));
      const a = plain.decode(records);
      const b = lazy.decode(records);
      expect(b.rejected.map((r) => r.reason)).toEqual(a.rejected.map((r) => r.reason));
      expect(b.events.map(asJson)).toEqual(a.events.map(asJson));
      const da = enrich(a.events).map((e) => JSON.parse(e.json()) as unknown);
      const db = enrich(b.events).map((e) => JSON.parse(e.json()) as unknown);
      expect(db).toEqual(da);
      carried += b.events.filter((r) => r.event.requestObject instanceof RawJson || r.event.responseObject instanceof RawJson).length;
    }
    expect(carried).toBeGreaterThan(100);
  });
});

describe('redaction still sees what it could change', () => {
  const SECRET = 'c3VwZXItc2VjcmV0';
  const documentOf = (text: string) => {
    const out = lazy.decode([raw(text)]);
    expect(out.rejected).toEqual([]);
    return { event: out.events[0]!.event, json: enrich(out.events)[0]!.json() };
  };

  it('parses and redacts a Secret (by resource) even when no rule needs it', () => {
    const { event, json } = documentOf(JSON.stringify(rr({ verb: 'get', objectRef: { resource: 'secrets', namespace: 'shop', name: 'db' }, requestObject: undefined, responseObject: { kind: 'Secret', metadata: { name: 'db' }, data: { password: SECRET } } })));
    expect(event.responseObject).not.toBeInstanceOf(RawJson);
    expect(json).not.toContain(SECRET);
    expect(json).toContain(REDACTED);
  });

  it('parses and redacts what redaction finds by resource alone: a Secret patch without kind, a TokenRequest', () => {
    const patch = documentOf(JSON.stringify(rr({ verb: 'patch', objectRef: { resource: 'secrets', namespace: 'shop', name: 'db' }, requestObject: { data: { password: SECRET } }, responseObject: undefined })));
    expect(patch.json).not.toContain(SECRET);
    const token = documentOf(JSON.stringify(rr({ verb: 'create', objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'shop', name: 'bot' }, requestObject: { spec: {} }, responseObject: { status: { token: 'tok-abcdef-123456' } } })));
    expect(token.json).not.toContain('tok-abcdef-123456');
    const review = documentOf(JSON.stringify(rr({ verb: 'create', objectRef: { resource: 'tokenreviews' }, requestObject: { spec: { token: 'tok-abcdef-123456' } }, responseObject: undefined })));
    expect(review.json).not.toContain('tok-abcdef-123456');
  });

  it('parses and redacts a pod whose env holds a credential, and a Secret listed from another resource', () => {
    const pod = documentOf(JSON.stringify(rr({ verb: 'get', objectRef: { resource: 'pods', namespace: 'shop', name: 'p' }, requestObject: undefined, responseObject: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] } } })));
    expect(pod.event.responseObject).not.toBeInstanceOf(RawJson);
    expect(pod.json).not.toContain('hunter2');
    const list = documentOf(JSON.stringify(rr({ verb: 'list', objectRef: { resource: 'widgets' }, responseObject: { kind: 'List', items: [{ kind: 'Secret', data: { a: SECRET } }] } })));
    expect(list.json).not.toContain(SECRET);
  });

  it('parses and redacts a credential inside a last-applied copy, which the document drops but forwarded events keep', () => {
    const applied = JSON.stringify({ kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'API_TOKEN', value: 'tok-123456' }] }] } } } });
    const { event } = documentOf(JSON.stringify(rr({ requestObject: { kind: 'Deployment', metadata: { name: 'd', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } }, spec: {} } })));
    expect(event.requestObject).not.toBeInstanceOf(RawJson);
    expect(JSON.stringify(event)).not.toContain('tok-123456');
  });

  it('carries as text only bodies with nothing to redact', () => {
    const { event, json } = documentOf(JSON.stringify(rr({ responseObject: { kind: 'Pod', metadata: { name: 'p' }, spec: { automountServiceAccountToken: true, containers: [{ name: 'c', image: 'nginx', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] } } })));
    expect(event.responseObject).toBeInstanceOf(RawJson);
    expect(json).toContain('"LOG_LEVEL"');
  });
});

describe('the document of a decoded RequestResponse event', () => {
  it('is right when redaction changed the event elsewhere, so that it is re-serialised around carried bodies', () => {
    const text = JSON.stringify(rr({ requestURI: '/apis/example.io/v1/namespaces/shop/widgets/w?access_token=sekrit' }));
    const [r] = lazy.decode([raw(text)]).events;
    expect(r!.event.requestObject).toBeInstanceOf(RawJson);
    const [e] = enrich([r!]);
    expect(e!.raw).toBeUndefined();
    const doc = JSON.parse(e!.json()) as { kubernetes: { audit: Record<string, unknown> } };
    expect(doc.kubernetes.audit.requestURI).toBe(`/apis/example.io/v1/namespaces/shop/widgets/w?access_token=${REDACTED}`);
    expect(doc).toEqual(outcome(plain, text).documents[0]);
    expect(JSON.parse(e!.eventJson())).toMatchObject({ requestObject: { spec: { size: 3 } }, responseObject: { status: { ready: true } } });
  });

  it('is spliced from the line, bodies without their metadata, for carried and parsed bodies alike', () => {
    // Go writes & as \u0026: a re-serialised body would have "&", the spliced one keeps the escape.
    const text = JSON.stringify(rr({ requestObject: { kind: 'W', metadata: { name: 'w' }, spec: { q: 'a&b' } } })).replace('a&b', 'a\\u0026b');
    for (const decoder of [lazy, eager]) {
      const r = decoder.decode([raw(text)]).events[0]!;
      if (decoder === eager) expect(bodySpanOf(r.event, 'requestObject')).toMatchObject({ line: text });
      const json = enrich([r])[0]!.json();
      expect(json).toContain('"spec":{"q":"a\\u0026b"}');
      const doc = JSON.parse(json) as { kubernetes: { audit: Record<string, Record<string, unknown>> } };
      expect(doc.kubernetes.audit.requestObject).toEqual({ kind: 'W', spec: { q: 'a&b' } });
      expect(doc.kubernetes.audit.responseObject).not.toHaveProperty('metadata');
    }
  });
});
