// Builders for test events, so each test states only the fields it is about.
import type { RawRecord } from '../../src/core/record.js';

let seq = 0;

export function auditEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/secrets/db-credentials',
    verb: 'get',
    user: { username: 'alice@example.com', groups: ['system:authenticated'] },
    sourceIPs: ['203.0.113.7'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
    objectRef: { resource: 'secrets', namespace: 'shop', name: 'db-credentials', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-11-20T09:00:00.000100Z',
    stageTimestamp: '2026-11-20T09:00:00.002600Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...overrides,
  };
}

export function raw(value: unknown, line = 1, source = 'test.log'): RawRecord {
  return { text: typeof value === 'string' ? value : JSON.stringify(value), origin: { source, line } };
}

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
export const CORPUS = new URL('../../../shared/corpus/', import.meta.url).pathname;
