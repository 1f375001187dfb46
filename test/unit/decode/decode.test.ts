import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decode.js';
import { auditEvent, CORPUS, raw } from '../../helpers/events.js';

const decoder = createDecoder({ defaultCluster: 'default' });

describe('decode', () => {
  it('accepts a v1 log line and stamps the default cluster', () => {
    const out = decoder.decode([raw(auditEvent({ verb: 'delete' }))]);
    expect(out.rejected).toEqual([]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]!.event.verb).toBe('delete');
    expect(out.events[0]!.cluster).toBe('default');
  });

  it('prefers the cluster the source vouches for over the default', () => {
    const out = decoder.decode([{ ...raw(auditEvent()), cluster: 'prod-eu-1' }]);
    expect(out.events[0]!.cluster).toBe('prod-eu-1');
  });

  it('accepts webhook EventList items without kind and apiVersion, numbering items', () => {
    const { kind: _k, apiVersion: _a, ...item } = auditEvent();
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [item, { ...item, auditID: 'x2' }, { kind: 0 }] };
    const out = decoder.decode([raw(list)]);
    expect(out.events.map((e) => e.event.auditID)).toEqual([item.auditID, 'x2']);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]!.origin.item).toBe(3);
  });

  it('accepts a bare JSON array of events', () => {
    const out = decoder.decode([raw([auditEvent(), auditEvent()])]);
    expect(out.events).toHaveLength(2);
  });

  it('maps v1beta1 timestamps (timestamp, metadata.creationTimestamp) onto v1 fields', () => {
    const line = readFileSync(`${CORPUS}/liggitt-audit2rbac/demo.v1beta1.original-2017.log`, 'utf8').split('\n')[0]!;
    const out = decoder.decode([raw(line)]);
    expect(out.rejected).toEqual([]);
    const e = out.events[0]!.event;
    expect(e.apiVersion).toBe('audit.k8s.io/v1beta1');
    expect(Date.parse(e.stageTimestamp)).not.toBeNaN();
    expect(Date.parse(e.requestReceivedTimestamp)).not.toBeNaN();
    expect(e).not.toHaveProperty('timestamp');
  });

  it('decodes every line of the v1beta1 audit2rbac capture', () => {
    const lines = readFileSync(`${CORPUS}/liggitt-audit2rbac/demo.v1beta1.original-2017.log`, 'utf8').split('\n').filter(Boolean);
    const out = decoder.decode(lines.map((l, i) => raw(l, i + 1)));
    expect(out.rejected).toEqual([]);
    expect(out.events).toHaveLength(lines.length);
    expect(out.events.filter((e) => e.event.impersonatedUser).length).toBeGreaterThan(0);
  });

  it.each([
    ['not JSON', 'this is not json', /not valid JSON/],
    ['a number', '42', /a JSON number, not an object/],
    ['{"kind": 0} (Falco fal_01_003)', '{"kind": 0}', /data not recognized as a k8s audit event/],
    ['an unrelated object', '{"hello":"world"}', /no auditID, kind or known wrapper/],
    ['an event without a verb', JSON.stringify(auditEvent({ verb: undefined })), /verb is missing/],
    ['an event with a bad stage', JSON.stringify(auditEvent({ stage: 'Done' })), /stage "Done" is not one of/],
    ['an event whose user is a string', JSON.stringify(auditEvent({ user: 'alice' })), /user is missing or not an object/],
    ['a wrong apiVersion', JSON.stringify(auditEvent({ apiVersion: 'v1' })), /apiVersion "v1" is not audit/],
    ['numbers where strings belong', JSON.stringify(auditEvent({ objectRef: { resource: 7 } })), /objectRef.resource is not a string/],
  ])('rejects %s with a reason and its origin', (_name, text, reason) => {
    const out = decoder.decode([raw(text, 7, 'audit.log')]);
    expect(out.events).toEqual([]);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]!.reason).toMatch(reason);
    expect(out.rejected[0]!.origin).toMatchObject({ source: 'audit.log', line: 7 });
    expect(out.rejected[0]!.text.length).toBeGreaterThan(0);
  });

  it('does not let __proto__ keys pollute prototypes', () => {
    const text = `{"__proto__":{"polluted":true},${JSON.stringify(auditEvent()).slice(1)}`;
    const out = decoder.decode([raw(text)]);
    expect(out.events).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('normalises a GKE Cloud Logging entry, mapping what Elastic leaves empty', () => {
    const line = readFileSync(`${CORPUS}/elastic-integration/data/pair-native-gke/test-audit.log`, 'utf8').split('\n')[3]!;
    const out = decoder.decode([raw(line)]);
    expect(out.rejected).toEqual([]);
    const r = out.events[0]!;
    expect(r.cluster).toBe('test-cluster');
    expect(r.event).toMatchObject({
      auditID: '1234abcd',
      verb: 'get',
      user: { username: 'system:gke-master-healthcheck' },
      sourceIPs: ['67.43.156.1'],
      userAgent: 'gke-master-healthcheck',
      responseStatus: { code: 200 },
      stageTimestamp: '2025-07-13T08:38:39.127266Z',
      annotations: { 'authorization.k8s.io/decision': 'allow' },
    });
  });

  it('maps a GKE resourceName to an objectRef with namespace and subresource', () => {
    const entry = {
      insertId: 'g1',
      timestamp: '2026-11-20T09:00:00Z',
      resource: { type: 'k8s_cluster', labels: { cluster_name: 'gke-prod' } },
      protoPayload: {
        methodName: 'io.k8s.core.v1.pods.exec.create',
        resourceName: 'core/v1/namespaces/shop/pods/web-1/exec',
        authenticationInfo: { principalEmail: 'eve@example.com' },
        requestMetadata: { callerIp: '198.51.100.9' },
        status: { code: 7 },
      },
    };
    const e = decoder.decode([raw(entry)]).events[0]!.event;
    expect(e.objectRef).toEqual({ apiVersion: 'v1', namespace: 'shop', resource: 'pods', name: 'web-1', subresource: 'exec' });
    expect(e.verb).toBe('create');
    expect(e.responseStatus?.code).toBe(403);
  });

  it('unwraps AKS records whose properties.log is a string or an object', () => {
    const stringForm = readFileSync(`${CORPUS}/elastic-integration/data/pair-aks-string/test-kube-audit.log`, 'utf8').trim();
    const objectForm = readFileSync(`${CORPUS}/elastic-integration/data/latest-input-only/test-audit.log`, 'utf8').split('\n')[4]!;
    const out = decoder.decode([raw(stringForm, 1), raw(objectForm, 2)]);
    expect(out.rejected).toEqual([]);
    expect(out.events.map((e) => e.cluster)).toEqual(['test-cluster', 'test-aks']);
    expect(out.events[0]!.event.aks_metadata).toMatchObject({ category: 'kube-audit', pod: 'kube-apiserver-869d7bb754-kkg69' });
    expect(out.events[1]!.event.user.username).toBe('aksService');
  });

  it('unwraps Event Hub batches ({records: [...]})', () => {
    const aks = JSON.parse(readFileSync(`${CORPUS}/elastic-integration/data/pair-aks-string/test-kube-audit.log`, 'utf8'));
    const out = decoder.decode([raw({ records: [aks, aks] })]);
    expect(out.events).toHaveLength(2);
  });

  it('unwraps EKS CloudWatch subscription payloads and takes the cluster from the log group', () => {
    const e1 = auditEvent();
    const payload = { messageType: 'DATA_MESSAGE', logGroup: '/aws/eks/payments/cluster', logStream: 'kube-apiserver-audit-abc', logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify(e1) }, { id: '2', timestamp: 2, message: '{broken' }] };
    const out = decoder.decode([raw(payload)]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]!.cluster).toBe('payments');
    expect(out.rejected[0]!.reason).toMatch(/log event message is not valid JSON/);
    expect(out.rejected[0]!.origin.item).toBe(2);
  });

  it('unwraps single {message: "<event json>"} records (Firehose, Fluent Bit)', () => {
    const out = decoder.decode([raw({ message: JSON.stringify(auditEvent({ verb: 'patch' })), awscloudwatch: { log_group: '/aws/eks/web/cluster' } })]);
    expect(out.events[0]!.event.verb).toBe('patch');
    expect(out.events[0]!.cluster).toBe('web');
  });

  it('bounds wrapper nesting', () => {
    let v: unknown = auditEvent();
    for (let i = 0; i < 10; i++) v = { records: [v] };
    const out = decoder.decode([raw(v)]);
    expect(out.events).toEqual([]);
    expect(out.rejected[0]!.reason).toMatch(/nested deeper/);
  });
});
