import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decode.js';
import { buildDocument, durationNanos, fullDocument, serialiseDocument } from '../../../src/enrich/document.js';
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
