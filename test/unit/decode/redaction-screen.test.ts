// The screen decides which bodies redaction never sees (they are carried as text), so it is held to
// redaction itself: whatever redactEvent would change in a body, the screen must flag, for generated
// bodies (credential-like strings, env entries, Secret/ConfigMap kinds, last-applied copies, case,
// whitespace and escaping variants) and for every body of the real captures.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { asciiBytes } from '../../../src/core/json-scan.js';
import { mayNeedRedaction } from '../../../src/decode/body-scan.js';
import { redactionReadsResource } from '../../../src/decode/redaction-screen.js';
import { redactEvent } from '../../../src/enrich/redact.js';
import { auditEvent, CORPUS, REPO_ROOT } from '../../helpers/events.js';

/** The screen on a body's JSON text (as it stands in a log line). */
function screened(text: string): boolean {
  const b = asciiBytes(text);
  if (!b) throw new Error('bodies in these tests are ASCII');
  return mayNeedRedaction(b, 0, text.length);
}

/** Whether redactEvent changes anything in this body of an event on `resource`. */
function redactionChanges(bodyText: string, resource = 'widgets'): boolean {
  const e = auditEvent({ level: 'RequestResponse', verb: 'create', requestURI: '/apis/x/v1/widgets', objectRef: { resource, namespace: 'n', name: 'w' }, annotations: undefined, requestObject: JSON.parse(bodyText) as unknown }) as unknown as AuditEvent;
  return redactEvent(e);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Strings as they turn up in bodies: ordinary, and each kind of credential redaction looks for. */
const STRINGS = [
    'nginx:1.25', 'kube-system', 'app.kubernetes.io/name', 'https://example.com/path', 'rbac.authorization.k8s.io', 'basic-auth', 'Bearer', 'a password policy', 'tokens',
    'Bearer abcdefgh12345678', 'bearer\tABCDEFGHIJ', 'Basic dXNlcjpwYXNzd29yZA==', 'basic ZGVtbzpkZW1vMTIz', 'Authorization: Bearer x', 'authorization="zzzz"', "Authorization='q'", "authorization' : zz", '{"Authorization": "x"}',
    'password=hunter2', 'PASSWORD: s3cr3t', 'db passphrase = x1', 'passwd:abc', 'client-key-data: AAAA', 'token: abcdef', 'apiVersion: v1\nusers:\n- user:\n    token: abcdef\n',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '{"auths":{"r.io":{"auth":"eA=="}}}', 'aws_secret_access_key=AKIA', 'https://user:pa55@db.example.com:5432/x',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln', 'EYJHBGCIOI.EYJZDWIIOI.x', 'postgres://admin:admin@10.0.0.1', 'x\u0001y', 'line\nbreak', 'tab\there', 'quote"inside', 'back\\slash',
];
const STRING = fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 12 }));
const ENV_NAME = fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'x_secret', 'AUTH_HEADER', 'client-key', 'PRIVATE_KEY', 'Credentials', 'LOG_LEVEL', 'HOME', 'name"PASS', 'token');
const KIND = fc.constantFrom('Pod', 'Deployment', 'Secret', 'ConfigMap', 'List', 'secret', 'Widget');

/** A Kubernetes-shaped body, sometimes with a last-applied copy of another one (nested again, at times). */
const body: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  body: fc
    .record({
      kind: fc.option(KIND, { nil: undefined }),
      name: STRING,
      env: fc.array(fc.record({ name: ENV_NAME, value: fc.option(STRING, { nil: undefined }) }), { maxLength: 3 }),
      args: fc.array(STRING, { maxLength: 3 }),
      data: fc.dictionary(fc.oneof(ENV_NAME, fc.constantFrom('config.yaml', 'ca.crt')), STRING, { maxKeys: 2 }),
      applied: fc.option(fc.oneof({ depthSize: 'small' }, tie('body'), fc.constant('not json {')), { nil: undefined }),
      items: fc.option(fc.array(tie('body'), { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ kind, name, env, args, data, applied, items }) => {
      const o: Record<string, unknown> = {};
      if (kind) o.kind = kind;
      o.metadata = { name, ...(applied === undefined ? {} : { annotations: { [LAST_APPLIED]: typeof applied === 'string' ? applied : JSON.stringify(applied) } }) };
      o.spec = { containers: [{ name: 'c', image: 'nginx', env, args }] };
      if (Object.keys(data).length) o.data = data;
      if (items) o.items = items;
      return o;
    }),
})).body;

/** The ways one value can be written as JSON: JSON.stringify, Go's HTML-safe escapes, indentation, an escaped letter. */
const WRITINGS: ((o: unknown) => string)[] = [
  (o) => JSON.stringify(o),
  (o) => JSON.stringify(o).replace(/[&<>]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
  (o) => JSON.stringify(o, null, 1),
  (o) => JSON.stringify(o).replace(/a/, '\\u0061'),
];
const ascii = (s: string) => s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('the redaction screen flags every body redaction would change', () => {
  it('on generated bodies, however they are written', () => {
    let flagged = 0;
    let changed = 0;
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: WRITINGS.length - 1 }), (o, w) => {
        const text = ascii(WRITINGS[w]!(o));
        const changes = redactionChanges(text);
        const flags = screened(text);
        if (changes) changed++;
        if (flags) flagged++;
        if (changes && !flags) expect({ missed: text }).toBeUndefined();
      }),
      { seed: 42, numRuns: 6000 },
    );
    // The property is not vacuous, and the screen is not "always yes".
    expect(changed).toBeGreaterThan(500);
    expect(flagged).toBeLessThan(6000);
  });

  it('on each credential-like string alone, in a value, an array and a last-applied copy', () => {
    let changing = 0;
    for (const str of STRINGS) {
      for (const o of [{ spec: { x: str } }, { spec: { args: ['a', str] } }, { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ spec: { args: [str] } }) } } }]) {
        for (const write of WRITINGS) {
          const text = ascii(write(o));
          if (!redactionChanges(text)) continue;
          changing++;
          expect({ text, flagged: screened(text) }).toEqual({ text, flagged: true });
        }
      }
    }
    expect(changing).toBeGreaterThan(100);
  });

  it.each([
    ['a Secret', { kind: 'Secret', data: { a: 'b' } }],
    ['a ConfigMap with a password', { kind: 'ConfigMap', data: { DB_PASSWORD: 'x' } }],
    ['an env entry named like a credential', { spec: { containers: [{ env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] } }],
    ['a bearer token in args', { spec: { containers: [{ args: ['--header', 'Authorization: Bearer abcdefghijkl'] }] } }],
    ['a URL with a password', { spec: { url: 'https://admin:hunter2@db' } }],
    ['a JWT', { status: { t: 'eyJhbGciOiJI.eyJzdWIiOiIx.sig' } }],
    ['a private key', { data2: '-----BEGIN EC PRIVATE KEY-----\nx' }],
    ['a kubeconfig', { cfg: 'users:\n- name: a\n  user:\n    token: abc' }],
    ['a Secret in a last-applied copy', { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ kind: 'Secret', data: { p: 'x' } }) } } }],
    ['a pretty-printed Secret in a last-applied copy', { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ kind: 'Secret', data: { p: 'x' } }, null, 2) } } }],
    ['an env credential in a last-applied copy', { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ spec: { template: { spec: { containers: [{ env: [{ name: 'API_TOKEN', value: 'v' }] }] } } } }) } } }],
    ['an env credential two copies deep', { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ metadata: { annotations: { [LAST_APPLIED]: JSON.stringify({ env: [{ name: 'X_SECRET', value: 'v' }] }) } } }) } } }],
    ['a name spelt with an escape', { spec: { env: [{ name: 'DB_PASSWORD', value: 'x' }] } }, (t: string) => t.replace('"name"', '"n\\u0061me"')],
    ['an env name with a quote before the word', { env: [{ name: 'x"PASSWORD', value: 'v' }] }],
  ])('%s', (_name, o, rewrite?: (t: string) => string) => {
    const text = (rewrite ?? ((t: string) => t))(JSON.stringify(o));
    expect(redactionChanges(text)).toBe(true);
    expect(screened(text)).toBe(true);
  });

  it('on every body of the real captures', () => {
    const files = [`${REPO_ROOT}samples/audit.log`, ...readdirSync(`${CORPUS}yandex-practicum-task6`).filter((d) => !d.includes('.')).map((d) => `${CORPUS}yandex-practicum-task6/${d}/audit.log`), ...readdirSync(`${CORPUS}falcosecurity-falco/k8s_audit`).map((f) => `${CORPUS}falcosecurity-falco/k8s_audit/${f}`)];
    let bodies = 0;
    for (const f of files) {
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        let e: Record<string, unknown>;
        try {
          e = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        const ref = (e.objectRef ?? {}) as { resource?: string; subresource?: string };
        for (const key of ['requestObject', 'responseObject']) {
          if (typeof e[key] !== 'object' || e[key] === null) continue;
          const t = ascii(JSON.stringify(e[key]));
          bodies++;
          if (redactionReadsResource(ref.resource ?? '', ref.subresource ?? '')) continue;
          if (redactionChanges(t, ref.resource) && !screened(t)) expect({ file: f, missed: t.slice(0, 300) }).toBeUndefined();
        }
      }
    }
    expect(bodies).toBeGreaterThan(400);
  });
});

describe('the redaction screen lets ordinary bodies through', () => {
  it.each([
    ['a pod with a projected service-account token volume', { kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { automountServiceAccountToken: true, volumes: [{ name: 'kube-api-access-x', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }], containers: [{ name: 'web', image: 'nginx:1.25', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] } }],
    ['a lease', { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'node-1' }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } }],
    ['a role binding', { kind: 'RoleBinding', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }] }],
    ['a service with URLs and Go escapes', { kind: 'Service', metadata: { annotations: { docs: 'https://example.com/?a=1&b=2' } }, spec: { ports: [{ port: 443 }] } }],
  ])('%s', (_name, o) => {
    const text = JSON.stringify(o).replace(/&/g, '\\u0026');
    expect(redactionChanges(text)).toBe(false);
    expect(screened(text)).toBe(false);
  });
});

describe('redactionReadsResource', () => {
  it('names the resources whose bodies redaction always reads', () => {
    expect(['secrets', 'configmaps', 'tokenreviews'].every((r) => redactionReadsResource(r, ''))).toBe(true);
    expect(redactionReadsResource('serviceaccounts', 'token')).toBe(true);
    expect(redactionReadsResource('serviceaccounts', '')).toBe(false);
    expect(redactionReadsResource('pods', '')).toBe(false);
  });
});
