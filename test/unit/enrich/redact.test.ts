import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { REDACTED, redactEvent } from '../../../src/enrich/redact.js';
import { auditEvent } from '../../helpers/events.js';

const ev = (o: Record<string, unknown>) => auditEvent({ level: 'RequestResponse', ...o }) as unknown as AuditEvent;
const SECRET = 'c3VwZXItc2VjcmV0'; // "super-secret"

describe('redactEvent', () => {
  it('replaces Secret data and stringData in requests and responses, keeping keys', () => {
    const e = ev({
      verb: 'create',
      requestObject: { kind: 'Secret', data: { password: SECRET }, stringData: { token: 'abc' } },
      responseObject: { kind: 'Secret', data: { password: SECRET } },
    });
    expect(redactEvent(e)).toBe(true);
    expect(JSON.stringify(e)).not.toContain(SECRET);
    expect(JSON.stringify(e)).not.toContain('"abc"');
    expect(e.requestObject).toMatchObject({ data: { password: REDACTED }, stringData: { token: REDACTED } });
  });

  it("redacts the copy kubectl keeps in last-applied-configuration", () => {
    const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { password: SECRET }, metadata: { name: 'db' } });
    const e = ev({ verb: 'patch', requestObject: { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } } } });
    redactEvent(e);
    expect(JSON.stringify(e)).not.toContain(SECRET);
    const kept = JSON.parse((e.requestObject as { metadata: { annotations: Record<string, string> } }).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']!);
    expect(kept.data.password).toBe(REDACTED);
    expect(kept.metadata.name).toBe('db');
  });

  it('redacts Secrets inside list responses', () => {
    const e = ev({ verb: 'list', objectRef: { resource: 'secrets', namespace: 'shop' }, responseObject: { kind: 'SecretList', items: [{ data: { a: SECRET } }, { data: { b: SECRET } }] } });
    redactEvent(e);
    expect(JSON.stringify(e)).not.toContain(SECRET);
  });

  it('redacts TokenRequest tokens and TokenReview tokens', () => {
    const tr = ev({ verb: 'create', objectRef: { resource: 'serviceaccounts', namespace: 'shop', name: 'bot', subresource: 'token' }, responseObject: { status: { token: 'eyJhbGciOi.payload.sig', expirationTimestamp: 'x' } } });
    redactEvent(tr);
    expect(JSON.stringify(tr)).not.toContain('eyJhbGciOi');
    const review = ev({ verb: 'create', objectRef: { resource: 'tokenreviews' }, requestObject: { spec: { token: 'eyJsecret' } } });
    redactEvent(review);
    expect(JSON.stringify(review)).not.toContain('eyJsecret');
  });

  it('redacts credential-looking ConfigMap values and kubeconfig blobs, leaving ordinary ones', () => {
    const e = ev({
      verb: 'create',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'cfg' },
      requestObject: { kind: 'ConfigMap', data: { DB_PASSWORD: 'hunter2', kubeconfig: 'apiVersion: v1\nusers:\n- user:\n    token: abcdef\n', LOG_LEVEL: 'debug' } },
    });
    redactEvent(e);
    expect(e.requestObject).toMatchObject({ data: { DB_PASSWORD: REDACTED, kubeconfig: REDACTED, LOG_LEVEL: 'debug' } });
  });

  it('redacts tokens in the request URI', () => {
    const e = ev({ requestURI: '/api/v1/namespaces/x/pods?watch=1&access_token=sekrit' });
    redactEvent(e);
    expect(e.requestURI).toBe(`/api/v1/namespaces/x/pods?watch=1&access_token=${REDACTED}`);
  });

  it('leaves events without bodies untouched', () => {
    const e = ev({});
    const before = JSON.stringify(e);
    expect(redactEvent(e)).toBe(false);
    expect(JSON.stringify(e)).toBe(before);
  });
});
