import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decode.js';
import { BOTH_BODIES } from '../../../src/decode/body-split.js';
import { RawJson } from '../../../src/decode/raw-body.js';
import { buildDocument, durationNanos, fullDocument, serialiseDocument, withAlertIds } from '../../../src/enrich/document.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { auditEvent, CORPUS, raw } from '../../helpers/events.js';

const decoder = createDecoder({ defaultCluster: 'default' });
const enrich = createEnricher({ redact: true });

/** Elastic's pipeline drops "", {} and [] everywhere; compare like with like. */
function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(withoutEmpty) : undefined;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutEmpty(x);
      if (y !== undefined && y !== '') o[k] = y;
    }
    return Object.keys(o).length ? o : undefined;
  }
  return v;
}

function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  else out[prefix] = v;
  return out;
}

describe('the event document matches Elastic kubernetes.audit_logs expectations', () => {
  const dir = `${CORPUS}/elastic-integration/data`;
  const cases: [string, string, number[]][] = [
    ['native', 'pair-native-gke/test-audit.log', [0, 1, 2]],
    ['AKS', 'pair-aks-string/test-kube-audit.log', [0]],
  ];
  for (const [name, file, indexes] of cases) {
    const lines = readFileSync(`${dir}/${file}`, 'utf8').split('\n').filter(Boolean);
    const expected = (JSON.parse(readFileSync(`${dir}/${file}-expected.json`, 'utf8')) as { expected: Record<string, unknown>[] }).expected;
    for (const i of indexes) {
      it(`${name} line ${i + 1}: every field Elastic sets, we set to the same value`, () => {
        const rec = enrich(decoder.decode([raw(lines[i]!)]).events)[0]!;
        const ours = flatten(withoutEmpty(JSON.parse(rec.json())));
        const theirs = flatten(expected[i]);
        // Deliberate differences: event.original is opt-in for us (it doubles the index), tags are
        // the test runner's; Elastic's @timestamp is the ingest time except for AKS.
        const skip = (k: string) => k === 'event.original' || k === 'tags' || k === '@timestamp';
        for (const [k, v] of Object.entries(theirs)) {
          if (skip(k)) continue;
          expect({ field: k, value: ours[k] }).toEqual({ field: k, value: v });
        }
      });
    }
  }

  it('sets @timestamp from stageTimestamp, where Elastic uses ingest time', () => {
    const rec = enrich(decoder.decode([raw(auditEvent())]).events)[0]!;
    expect(rec.doc['@timestamp']).toBe('2026-11-20T09:00:00.002600Z');
  });
});

describe('buildDocument', () => {
  it('records actor kind, impersonation, duration and the cluster', () => {
    const e = decoder.decode([raw(auditEvent({ impersonatedUser: { username: 'system:serviceaccount:shop:ops-bot' } }))]).events[0]!.event;
    const doc = buildDocument(e, 'prod-eu-1', 'm');
    expect(doc.k8s_audit).toEqual({ actor: { kind: 'human' }, impersonated: true });
    expect(doc.user).toEqual({ name: 'alice@example.com', effective: { name: 'system:serviceaccount:shop:ops-bot' } });
    expect(doc.event.duration).toBe(2_500_000);
    expect(doc.orchestrator.cluster.name).toBe('prod-eu-1');
    expect(doc.related.user).toContain('system:serviceaccount:shop:ops-bot');
  });

  it('falls back to the response code for event.outcome when no decision was recorded', () => {
    const e = decoder.decode([raw(auditEvent({ annotations: undefined, responseStatus: { code: 404 } }))]).events[0]!.event;
    expect(buildDocument(e, 'c', 'm').event.outcome).toBe('failure');
  });

  it('does not modify the event it documents', () => {
    const e = decoder.decode([raw(auditEvent({ requestObject: { metadata: { name: 'x' }, spec: {} } }))]).events[0]!.event;
    const before = JSON.stringify(e);
    const doc = fullDocument(buildDocument(e, 'c', 'm'), e);
    expect(JSON.stringify(e)).toBe(before);
    expect(doc.kubernetes.audit.requestObject).toEqual({ spec: {} });
    expect(doc.kubernetes.audit.annotations).toEqual({ 'authorization_k8s_io/decision': 'allow', 'authorization_k8s_io/reason': '' });
  });

  it('splices the original text only when it equals what stringify would produce', () => {
    const lines = [
      JSON.stringify(auditEvent()),
      JSON.stringify(auditEvent({ annotations: { 'mutation.webhook.admission.k8s.io/round_0_index_0': '{"x":1}', 'authorization.k8s.io/decision': 'allow' } })),
      JSON.stringify(auditEvent({ annotations: undefined, sourceIPs: undefined, userAgent: undefined, objectRef: undefined, user: { username: 'x"\\y', uid: 'u1' } })),
      JSON.stringify(auditEvent({ impersonatedUser: { username: 'system:admin' }, sourceIPs: ['10.0.0.1', '::1'] })),
      JSON.stringify(auditEvent({ level: 'RequestResponse', requestObject: { metadata: { name: 'dropped' }, spec: { a: 1 } } })),
      // Go escapes & < > as \u0026 etc.: the text differs from a re-serialisation, yet means the same.
      JSON.stringify(auditEvent({ requestURI: '/api/v1/pods?watch=1&limit=5' })).replace('&', '\\u0026'),
    ];
    for (const line of lines) {
      const r = decoder.decode([raw(line)]).events[0]!;
      const head = buildDocument(r.event, 'c', 'm');
      const spliced = JSON.parse(serialiseDocument(head, r.event, r.raw));
      const stringified = JSON.parse(serialiseDocument(head, r.event, undefined));
      expect(spliced).toEqual(stringified);
      expect(spliced).toEqual(JSON.parse(JSON.stringify(fullDocument(head, r.event))));
    }
  });

  it('computes durations with microsecond precision', () => {
    expect(durationNanos('2026-11-20T09:00:00.000100Z', '2026-11-20T09:00:01.000350Z')).toBe(1_000_250_000);
    expect(durationNanos('nope', '2026-11-20T09:00:01Z')).toBeUndefined();
  });
});

/** Members in the order kube-apiserver writes them: bodies before the timestamps and annotations. */
const ORDER = ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations'];
const apiserverLine = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(auditEvent(o)).sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))));
/** Decodes bodies as the scan does (split around them), every body parsed: the document is spliced. */
const splitting = createDecoder({ defaultCluster: 'default', bodies: () => BOTH_BODIES });
const carrying = createDecoder({ defaultCluster: 'default', bodies: () => 0 });

describe('serialiseDocument', () => {
  const shapes: Record<string, unknown>[] = [
    {},
    { user: { username: 'x"\\y\u0001', uid: 'u1', groups: [] }, sourceIPs: ['10.0.0.1', '::1'] },
    { user: {}, impersonatedUser: { username: 'system:serviceaccount:a:b', uid: 'i1' }, sourceIPs: [], userAgent: '' },
    { user: { uid: 'only-uid' }, impersonatedUser: { uid: 'only-imp-uid' }, objectRef: { namespace: 'n' } },
    { objectRef: { resource: 'pods', subresource: 'exec', name: 'p\u2028\ud800' }, annotations: undefined, responseStatus: { code: 500 } },
    { apiVersion: undefined, objectRef: undefined, requestReceivedTimestamp: '2026-11-20T09:00:00+01:00' },
  ];

  it('writes exactly JSON.stringify of the full document: same members, same order, same escapes', () => {
    for (const shape of shapes) {
      for (const alertIds of [undefined, ['a1'], ['a1', 'a"2']]) {
        const e = decoder.decode([raw(auditEvent(shape))]).events[0]!.event;
        const head = buildDocument(e, 'c', 'message "quoted"');
        if (alertIds) head.k8s_audit.alert_ids = alertIds;
        expect(serialiseDocument(head, e, undefined)).toBe(JSON.stringify(fullDocument(head, e)));
      }
    }
  });

  it('writes the head byte for byte as JSON.stringify when spliced from a line, whatever the line spells', () => {
    // The head's strings are written without an escape test when the line has no backslash outside
    // bodies and annotations and no lone surrogate: every way around that must still come out right.
    const variants: [string, (l: string) => string][] = [
      ['plain', (l) => l],
      ['a quote in the user name', (l) => l.replace('"username":"alice@example.com"', '"username":"al\\"ice"')],
      ['a backslash only in the annotations', (l) => l.replace('"authorization.k8s.io/reason":""', '"authorization.k8s.io/reason":"RBAC: \\"x\\""')],
      ['an escaped letter in the verb', (l) => l.replace('"verb":"delete"', '"verb":"d\\u0065lete"')],
      ['non-ASCII and an emoji', (l) => l.replace('"username":"alice@example.com"', '"username":"bjørn ☃ 😀"')],
      ['a lone surrogate in the text itself', (l) => l.replace('"username":"alice@example.com"', '"username":"x\ud800y"')],
      ['a lone surrogate escaped', (l) => l.replace('"username":"alice@example.com"', '"username":"x\\ud800y"')],
      ['U+2028 and DEL', (l) => l.replace('"username":"alice@example.com"', '"username":"a\u2028b\u007f"')],
      ['a control character escaped in the user agent', (l) => l.replace(/"userAgent":"[^"]*"/, '"userAgent":"k\\u0001\\t"')],
      ['a backslash in a body only', (l) => l],
    ];
    const base = apiserverLine({ verb: 'delete', user: { username: 'alice@example.com', uid: 'u1', groups: ['g'] }, impersonatedUser: { username: 'bob', uid: 'b1' }, sourceIPs: ['10.0.0.1', '::1'], userAgent: 'kubectl/v1.30', objectRef: { resource: 'pods', namespace: 'shop', name: 'web', subresource: 'exec' } });
    const withBody = apiserverLine({ level: 'RequestResponse', verb: 'create', user: { username: 'alice@example.com', uid: 'u1' }, requestObject: { metadata: { name: 'p' }, note: 'a "quoted" \\ thing' }, responseObject: { spec: {} } });
    let plainSeen = 0;
    for (const [name, change] of variants) {
      for (const line of [change(base), change(withBody)]) {
        for (const decoderUsed of [decoder, splitting, carrying]) {
          const r = enrich(decoderUsed.decode([raw(line)]).events)[0];
          expect({ name, decoded: r !== undefined }).toEqual({ name, decoded: true });
          const head = buildDocument(r!.event, 'c"luster', 'message "quoted"');
          const text = serialiseDocument(head, r!.event, r!.raw);
          if (name === 'plain' && r!.raw !== undefined) plainSeen++;
          const headOf = (t: string) => t.slice(0, t.indexOf(',"kubernetes":'));
          expect({ name, head: headOf(text) }).toEqual({ name, head: headOf(serialiseDocument(head, r!.event, undefined)) });
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(fullDocument(head, r!.event))));
        }
      }
    }
    expect(plainSeen).toBeGreaterThan(0);
  });

  it('puts kubernetes before k8s_audit, and alert_ids last', () => {
    const e = decoder.decode([raw(auditEvent())]).events[0]!.event;
    const head = buildDocument(e, 'c', 'm');
    head.k8s_audit.alert_ids = ['x'];
    const keys = Object.keys(JSON.parse(serialiseDocument(head, e, undefined)) as object);
    expect(keys.slice(-2)).toEqual(['kubernetes', 'k8s_audit']);
    expect(serialiseDocument(head, e, undefined)).toMatch(/,"alert_ids":\["x"\]\}\}$/);
  });

  it('splices RequestResponse events from their line, bodies without metadata, equal to re-serialising them', () => {
    const lines = [
      apiserverLine({ level: 'RequestResponse', requestObject: { kind: 'Pod', metadata: { name: 'p' }, spec: { a: 1 } }, responseObject: { metadata: { name: 'p' } } }),
      apiserverLine({ level: 'RequestResponse', requestObject: { kind: 'Pod', spec: {}, metadata: { name: 'last' } }, responseObject: [{ op: 'add' }] }),
      apiserverLine({ level: 'Request', requestObject: { metadata: { name: 'only' } }, annotations: { 'a.b/c': 'x', 'mutation.webhook.admission.k8s.io/round_0_index_0': '{"p":"\\"&"}' } }),
      apiserverLine({ level: 'RequestResponse', requestObject: { metadata: {}, s: 'a&b<c>' }, annotations: undefined }).replace('a&b<c>', 'a\\u0026b\\u003cc\\u003e'),
      // Annotations whose keys collide once de-dotted, or are spelt with escapes: not spliced, still right.
      apiserverLine({ level: 'RequestResponse', requestObject: { metadata: {} }, annotations: { 'a.b': '1', a_b: '2' } }),
      apiserverLine({ level: 'RequestResponse', requestObject: { metadata: {} }, annotations: { 'a.b': '1' } }).replace('"a.b"', '"a\\u002eb"'),
      apiserverLine({ level: 'RequestResponse', requestObject: { metadata: {} }, annotations: { note: 'héllo' } }),
      `${apiserverLine({ level: 'RequestResponse', requestObject: { metadata: {} } })} `,
    ];
    for (const line of lines) {
      for (const d of [splitting, carrying, decoder]) {
        const r = d.decode([raw(line)]).events[0]!;
        const head = buildDocument(r.event, 'c', 'm');
        const spliced = serialiseDocument(head, r.event, r.raw);
        const stringified = serialiseDocument(head, r.event, undefined);
        expect(JSON.parse(spliced)).toEqual(JSON.parse(stringified));
        expect(JSON.parse(spliced)).toEqual(JSON.parse(JSON.stringify(fullDocument(head, r.event))));
        const audit = (JSON.parse(spliced) as { kubernetes: { audit: Record<string, unknown> } }).kubernetes.audit;
        for (const body of [audit.requestObject, audit.responseObject]) if (body && typeof body === 'object') expect(body).not.toHaveProperty('metadata');
      }
    }
    // Never a duplicate key (Elasticsearch rejects documents with one): colliding de-dotted keys are merged.
    const collide = splitting.decode([raw(lines[4]!)]).events[0]!;
    expect(serialiseDocument(buildDocument(collide.event, 'c', 'm'), collide.event, collide.raw).match(/"a_b"/g)).toHaveLength(1);
    // Spans are positions in the line decoded; with any other text they are not used.
    const other = splitting.decode([raw(lines[0]!)]).events[0]!;
    const otherHead = buildDocument(other.event, 'c', 'm');
    expect(JSON.parse(serialiseDocument(otherHead, other.event, ` ${other.raw!}`))).toEqual(JSON.parse(serialiseDocument(otherHead, other.event, undefined)));
    // The splice really happened: Go's escapes survive only in text taken from the line.
    const r = splitting.decode([raw(lines[3]!)]).events[0]!;
    expect(serialiseDocument(buildDocument(r.event, 'c', 'm'), r.event, r.raw)).toContain('a\\u0026b\\u003cc\\u003e');
  });

  it('re-serialises a carried body as it did when the screen parsed it: env entries named like credentials without a value', () => {
    // Such a body is carried as text since the screen judges env entries by structure; where the
    // section is re-serialised (here: annotations whose keys collide once de-dotted), it is still written as
    // JSON.stringify writes it, as when it was parsed, so no document changed. One without such a
    // name was carried before too, and keeps its text (Go's \u0026) as then.
    const env = (name: string) => ({ spec: { containers: [{ args: ['a&b'], env: [{ name, valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } });
    for (const [name, written] of [['DB_PASSWORD', '"a&b"'], ['LOG_LEVEL', '"a\\u0026b"']] as const) {
      const line = apiserverLine({ level: 'RequestResponse', verb: 'get', objectRef: { resource: 'pods', namespace: 'shop', name: 'p', apiVersion: 'v1' }, responseObject: env(name), annotations: { 'a.b': '1', a_b: '2' } }).replace('a&b', 'a\\u0026b');
      const r = enrich(carrying.decode([raw(line)]).events)[0]!;
      expect(r.event.responseObject).toBeInstanceOf(RawJson);
      expect(serialiseDocument(buildDocument(r.event, 'c', 'm'), r.event, r.raw)).toContain(written);
    }
  });
});

describe('withAlertIds', () => {
  const line = JSON.stringify(auditEvent());
  const docOf = (alertIds?: string[]) => {
    const e = decoder.decode([raw(line)]).events[0]!.event;
    const head = buildDocument(e, 'c', 'm');
    if (alertIds) head.k8s_audit.alert_ids = alertIds;
    return { e, head, json: serialiseDocument(head, e, undefined) };
  };

  it('adds ids to a serialised document as if they had been there when it was built', () => {
    for (const [before, added] of [[undefined, ['n1']], [undefined, ['n1', 'n"2']], [['o1'], ['n1']], [[], ['n1', 'n2']]] as [string[] | undefined, string[]][]) {
      const { e, head, json } = docOf(before);
      const expected = docOf([...(before ?? []), ...added]);
      expect(withAlertIds(json, added)).toBe(expected.json);
      expect(JSON.parse(withAlertIds(json, added))).toEqual(JSON.parse(JSON.stringify(fullDocument({ ...head, k8s_audit: { ...head.k8s_audit, alert_ids: [...(before ?? []), ...added] } }, e))));
    }
  });

  it('leaves the document alone when there is nothing to add, and refuses what is not a document', () => {
    const { json } = docOf();
    expect(withAlertIds(json, [])).toBe(json);
    expect(() => withAlertIds('{"a":1}', ['x'])).toThrow(/not a serialised event document/);
  });
});

describe('durationNanos', () => {
  /** The definition: Date.parse to the millisecond, plus the microsecond digits it drops. */
  function reference(from: string, to: string): number | undefined {
    const a = Date.parse(from);
    const b = Date.parse(to);
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    const micros = (ts: string) => {
      const m = /\.\d{3}(\d{0,3})/.exec(ts);
      return m && m[1] ? Number(m[1].padEnd(3, '0')) : 0;
    };
    return (b - a) * 1e6 + (micros(to) - micros(from)) * 1e3;
  }

  it('agrees with the definition for stamps the API server writes and for everything else', () => {
    const stamps = [
      '2026-11-20T09:00:00.000100Z', '2026-11-20T09:00:01.000350Z', '2026-11-20T23:59:59.999999Z', '2026-11-20T00:00:00Z', '2026-11-20T00:00:00.5Z', '2026-11-20T00:00:00.123456789Z',
      '2026-11-21T00:00:00.000001Z', '2026-02-31T10:00:00.000000Z', '2026-11-20T09:00:00+01:00', '2026-11-20T09:00:00.1234+01:00', '2026-11-20T24:00:00Z', '2026-11-20T09:60:00Z', '2026-13-20T09:00:00Z',
      '2026-11-20T09:00:00.Z', 'nope', '', '2026-11-20T09:00:00z', '2026-11-20 09:00:00Z',
    ];
    for (const a of stamps) for (const b of stamps) expect({ a, b, d: durationNanos(a, b) }).toEqual({ a, b, d: reference(a, b) });
  });
});
