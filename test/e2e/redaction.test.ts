// Secrets in a RequestResponse-level audit log must not reach anything we write: the SQLite store
// (its file bytes, WAL included), the NDJSON documents, alerts on stdout, stderr, or the dead-letter
// file (rejected lines carry secrets too). Each secret value below is unique, so a plain byte search
// of every output finds any copy, whatever the encoding around it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvent, REPO_ROOT } from '../helpers/events.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InJlZGFjdCJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDpib3QifQ.U0lHTkFUVVJFLXJlZGFjdGlvbi10ZXN0';
/** Every value that must never be written, with where it hides. */
const SECRETS = {
  secretData: b64('s3cr3t-data-value-01'),
  secretStringData: 'string-data-value-02',
  lastApplied: b64('last-applied-value-03'),
  listData: b64('list-data-value-04'),
  tokenRequest: JWT,
  tokenReview: 'token-review-value-05-abcdef',
  bearerInConfigMap: 'bearer-in-configmap-06-abcdef',
  basicInConfigMap: b64('admin:basic-in-configmap-07'),
  kubeconfigToken: 'kubeconfig-token-value-08',
  envPassword: 'env-password-value-09',
  urlPassword: 'url-password-value-10',
  execBearer: 'exec-bearer-value-11-abcdef',
  uriToken: 'uri-token-value-12',
  rejectedSecret: b64('rejected-secret-value-13'),
  brokenLine: b64('broken-line-value-14'),
} as const;

function incidentLog(): string {
  const rr = (o: Record<string, unknown>) => auditEvent({ level: 'RequestResponse', user: { username: 'mallory@example.com', groups: ['system:authenticated'] }, ...o });
  const secretObj = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data });
  const applied = JSON.stringify(secretObj({ password: SECRETS.lastApplied }));
  const events = [
    rr({ verb: 'create', objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' }, requestURI: '/api/v1/namespaces/shop/secrets',
      requestObject: { ...secretObj({ password: SECRETS.secretData }), stringData: { token: SECRETS.secretStringData }, metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } } },
      responseObject: secretObj({ password: SECRETS.secretData }) }),
    rr({ verb: 'list', objectRef: { resource: 'secrets', namespace: 'shop', apiVersion: 'v1' }, requestURI: '/api/v1/namespaces/shop/secrets', responseObject: { kind: 'SecretList', items: [secretObj({ a: SECRETS.listData })] } }),
    rr({ verb: 'create', objectRef: { resource: 'serviceaccounts', namespace: 'shop', name: 'bot', subresource: 'token', apiVersion: 'v1' }, requestURI: '/api/v1/namespaces/shop/serviceaccounts/bot/token',
      requestObject: { kind: 'TokenRequest', spec: { audiences: ['api'] } }, responseObject: { kind: 'TokenRequest', status: { token: SECRETS.tokenRequest, expirationTimestamp: '2026-11-20T10:00:00Z' } } }),
    rr({ verb: 'create', objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io' }, requestURI: '/apis/authentication.k8s.io/v1/tokenreviews', requestObject: { kind: 'TokenReview', spec: { token: SECRETS.tokenReview } } }),
    rr({ verb: 'create', objectRef: { resource: 'configmaps', namespace: 'shop', name: 'proxy', apiVersion: 'v1' }, requestURI: '/api/v1/namespaces/shop/configmaps',
      requestObject: { kind: 'ConfigMap', data: {
        'nginx.conf': `proxy_set_header Authorization "Bearer ${SECRETS.bearerInConfigMap}";`,
        'probe.sh': `curl -H 'Authorization: Basic ${SECRETS.basicInConfigMap}' http://localhost/`,
        kubeconfig: `apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: ${SECRETS.kubeconfigToken}\n`,
        LOG_LEVEL: 'debug' } } }),
    rr({ verb: 'create', objectRef: { resource: 'pods', namespace: 'shop', name: 'api', apiVersion: 'v1' }, requestURI: '/api/v1/namespaces/shop/pods',
      requestObject: { kind: 'Pod', spec: { containers: [{ name: 'api', image: 'shop/api:1', env: [{ name: 'DB_PASSWORD', value: SECRETS.envPassword }, { name: 'DB_URL', value: `postgres://app:${SECRETS.urlPassword}@db:5432/app` }] }] } } }),
    auditEvent({ level: 'Request', verb: 'get', stage: 'ResponseStarted', objectRef: { resource: 'pods', namespace: 'shop', name: 'api', subresource: 'exec', apiVersion: 'v1' },
      requestURI: `/api/v1/namespaces/shop/pods/api/exec?command=curl&command=-H&command=Authorization%3A+Bearer+${SECRETS.execBearer}&container=api`, responseStatus: { code: 101 } }),
    auditEvent({ verb: 'watch', requestURI: `/api/v1/namespaces/shop/pods?watch=1&access_token=${SECRETS.uriToken}`, objectRef: { resource: 'pods', namespace: 'shop' } }),
  ];
  const lines = events.map((e) => JSON.stringify(e));
  // Rejected input: a Secret event with an invalid stage, and a line cut in the middle of a Secret.
  lines.push(JSON.stringify(rr({ stage: 'NotAStage', verb: 'create', objectRef: { resource: 'secrets', namespace: 'shop', name: 'x' }, requestObject: secretObj({ password: SECRETS.rejectedSecret }) })));
  const broken = JSON.stringify(rr({ verb: 'update', objectRef: { resource: 'secrets', namespace: 'shop', name: 'y' }, requestObject: secretObj({ password: SECRETS.brokenLine }) }));
  lines.push(broken.slice(0, broken.indexOf(SECRETS.brokenLine) + SECRETS.brokenLine.length + 2));
  return `${lines.join('\n')}\n`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('redaction end to end', () => {
  it('writes no secret value to the store, the documents, the alerts, stderr or the dead-letter file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-redact-'));
    const log = join(dir, 'input', 'audit.log');
    const out = join(dir, 'out');
    for (const d of [join(dir, 'input'), out]) spawnSync('mkdir', ['-p', d]);
    writeFileSync(log, incidentLog());
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/k8s-audit.js'), 'scan', log, '--store', join(out, 'audit.db'), '--out', join(out, 'events.ndjson'), '--alerts', 'ndjson', '--dead-letter', join(out, 'rejected.ndjson'), '--min-severity', 'low'], {
      cwd: out,
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/8 events from 1 input; 2 rejected/);
    // The outputs exist and hold what they should, so a clean search means something.
    expect(existsSync(join(out, 'audit.db'))).toBe(true);
    expect(readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n')).toHaveLength(8);
    expect(readFileSync(join(out, 'rejected.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/"rule":\{"id":"[a-z-]+/);
    const outputs: [string, Buffer][] = [['stdout', Buffer.from(r.stdout)], ['stderr', Buffer.from(r.stderr)], ...filesUnder(out).map((f): [string, Buffer] => [f, readFileSync(f)])];
    const leaks: string[] = [];
    for (const [where, bytes] of outputs) {
      for (const [name, value] of Object.entries(SECRETS)) {
        // The value itself, and its first 12 characters (a cut copy is a leak too).
        for (const needle of [value, value.slice(0, 12)]) if (bytes.includes(needle)) leaks.push(`${name} (${needle}) in ${where}`);
      }
    }
    expect(leaks).toEqual([]);
    // Keys survive: rules and people still see that a secret was there.
    expect(readFileSync(join(out, 'events.ndjson'), 'utf8')).toContain('"password":"[redacted]"');
  });
});
