import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { REDACTED, redactEvent, redactRejectedText } from '../../../src/enrich/redact.js';
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
  it('redacts kubectl apply of any kind: env credentials, and the last-applied copy of them', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'api', image: 'shop/api:1', env: [{ name: 'DB_PASSWORD', value: 'hunter2-env' }, { name: 'LOG_LEVEL', value: 'debug' }, { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'x', key: 'y' } } }] }] } } },
    };
    const e = ev({
      verb: 'patch',
      objectRef: { resource: 'deployments', namespace: 'shop', name: 'api', apiGroup: 'apps' },
      requestObject: { ...structuredClone(deployment), metadata: { name: 'api', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(deployment) } } },
      responseObject: structuredClone(deployment),
    });
    expect(redactEvent(e)).toBe(true);
    const text = JSON.stringify(e);
    expect(text).not.toContain('hunter2-env');
    expect(text).toContain('debug');
    expect(text).toContain('secretKeyRef');
  });

  it('redacts bearer tokens, basic-auth and Authorization headers, JWTs and URL passwords in any body string', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImFiYyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2lnbmF0dXJlLXNpZw';
    const e = ev({
      verb: 'create',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'nginx' },
      requestObject: {
        kind: 'ConfigMap',
        data: {
          'nginx.conf': 'location / {\n  proxy_set_header Authorization "Bearer sk-live-0123456789abcdef";\n}',
          'curl.sh': 'curl -H "Authorization: Basic dXNlcjpzM2NyM3Q=" https://api',
          DATABASE_URL: 'postgres://app:pgpass-42@db.shop:5432/app',
          'notes.txt': 'We use Basic authentication on the admin page.',
          'sa.jwt': jwt,
          'app.properties': 'db.user=app\ndb.password=props-pass-1\n',
        },
      },
    });
    redactEvent(e);
    const text = JSON.stringify(e);
    for (const secret of ['sk-live-0123456789abcdef', 'dXNlcjpzM2NyM3Q=', 'pgpass-42', jwt, 'props-pass-1']) expect(text).not.toContain(secret);
    const data = (e.requestObject as { data: Record<string, string> }).data;
    expect(data['notes.txt']).toBe('We use Basic authentication on the admin page.');
    expect(data.DATABASE_URL).toBe(`postgres://app:${REDACTED}@db.shop:5432/app`);
    expect(data['nginx.conf']).toContain(`Bearer ${REDACTED}`);
  });

  it('redacts kubeconfig blobs with passwords or auth-provider tokens, in ConfigMaps and other objects', () => {
    const kubeconfig = 'apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    username: admin\n    password: kc-pass-9\n- name: oidc\n  user:\n    auth-provider:\n      config:\n        id-token: oidc-id-token-7\n';
    const e = ev({ verb: 'create', objectRef: { resource: 'widgets', apiGroup: 'example.com', namespace: 'shop', name: 'w' }, requestObject: { kind: 'Widget', spec: { kubeconfig } } });
    redactEvent(e);
    expect(JSON.stringify(e)).not.toMatch(/kc-pass-9|oidc-id-token-7/);
    const cm = ev({ verb: 'update', objectRef: { resource: 'configmaps', namespace: 'shop', name: 'k' }, requestObject: { kind: 'ConfigMap', data: { config: kubeconfig } } });
    redactEvent(cm);
    expect(cm.requestObject).toMatchObject({ data: { config: REDACTED } });
  });

  it('redacts credentials in exec commands in the request URI and in Request-level annotations (webhook patches)', () => {
    const e = ev({
      level: 'Request',
      verb: 'get',
      requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=curl&command=-H&command=Authorization%3A+Bearer+abcdef0123456789&container=web',
      objectRef: { resource: 'pods', namespace: 'shop', name: 'web', subresource: 'exec' },
      annotations: { 'patch.webhook.admission.k8s.io/round_0_index_0': '{"patch":"[{\\"op\\":\\"add\\",\\"path\\":\\"/spec/containers/0/env/-\\",\\"value\\":{\\"name\\":\\"X\\",\\"value\\":\\"Bearer injected-token-123\\"}}]"}' },
    });
    redactEvent(e);
    expect(e.requestURI).not.toContain('abcdef0123456789');
    expect(e.requestURI).toContain('command=curl');
    expect(JSON.stringify(e.annotations)).not.toContain('injected-token-123');
  });

  it('redacts Request-level annotations the same every time, however often a clean value was seen before', () => {
    const reason = 'RBAC: allowed by ClusterRoleBinding "admin" of ClusterRole "cluster-admin"';
    for (let round = 0; round < 3; round++) {
      const clean = ev({ annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': reason } });
      expect(redactEvent(clean)).toBe(false);
      expect(clean.annotations).toEqual({ 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': reason });
      const dirty = ev({ annotations: { 'authorization.k8s.io/reason': reason, 'x.example.com/h': 'Authorization: Bearer abcdefghijkl' } });
      expect(redactEvent(dirty)).toBe(true);
      expect(dirty.annotations!['x.example.com/h']).toBe(`Authorization: Bearer ${REDACTED}`);
      // Shaped like an env entry, or not all strings: the general walk, as before.
      const entry = ev({ annotations: { name: 'DB_PASSWORD', value: 'hunter2' } });
      expect(redactEvent(entry)).toBe(true);
      expect(entry.annotations!.value).toBe(REDACTED);
      const nested = ev({ annotations: { a: reason, b: { c: 'password=hunter2' } } as unknown as Record<string, string> });
      expect(redactEvent(nested)).toBe(true);
      expect((nested.annotations as unknown as { b: { c: string } }).b.c).toBe(REDACTED);
    }
  });

  it('keeps Metadata events with ordinary annotations untouched (the hot path)', () => {
    const e = ev({ level: 'Metadata', annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "admin"' } });
    const before = JSON.stringify(e);
    expect(redactEvent(e)).toBe(false);
    expect(JSON.stringify(e)).toBe(before);
  });

  describe('redactRejectedText', () => {
    it('redacts a Secret event that failed validation, through its JSON', () => {
      const bad = JSON.stringify({ ...auditEvent({ level: 'RequestResponse', stage: 'Bogus', objectRef: { resource: 'secrets', namespace: 'a', name: 'b' } }), requestObject: { kind: 'Secret', data: { password: SECRET } } });
      const out = redactRejectedText(bad);
      expect(out).not.toContain(SECRET);
      expect(JSON.parse(out).stage).toBe('Bogus');
    });

    it('redacts cut or broken JSON as text: data maps, credential keys, escaped last-applied copies, tokens', () => {
      const event = JSON.stringify({ ...auditEvent({ level: 'RequestResponse' }), requestObject: { kind: 'Secret', data: { password: SECRET }, metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', stringData: { token: 'plain-applied-1' } }) } } }, responseObject: { status: { token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.sig-part' } } });
      for (const cut of [event.slice(0, -3), `${event.slice(0, event.indexOf(SECRET) + 6)}`, `garbage ${event}`]) {
        const out = redactRejectedText(cut);
        expect(out).not.toContain(SECRET.slice(0, 6));
        expect(out).not.toContain('plain-applied-1');
        expect(out).not.toContain('eyJzdWIiOiJzeXN0ZW0ifQ');
      }
    });

    it('leaves ordinary rejected text alone', () => {
      expect(redactRejectedText('{not json at all')).toBe('{not json at all');
      expect(redactRejectedText('{"kind":"Pod","metadata":{"name":"x"}}')).toBe('{"kind":"Pod","metadata":{"name":"x"}}');
    });
  });
});
