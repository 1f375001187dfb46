// Drives the built CLI as a user would (run `npm run build` first; `npm test` does).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvent, CORPUS, REPO_ROOT } from '../helpers/events.js';

const BIN = join(REPO_ROOT, 'bin/k8s-audit.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'k8s-audit-e2e-'));

function cli(args: string[], options: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? tmp(), input: options.input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ndjson = (s: string) => s.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rule: { id: string; severity: string; references: Record<string, string> }; kubernetes: { audit: { auditID: string } }; message: string; orchestrator: { cluster: { name: string } } });
const incident = JSON.parse(readFileSync(join(REPO_ROOT, 'samples/labels/incident-auditids.json'), 'utf8')) as Record<string, string[]>;

describe('k8s-audit scan', () => {
  it("finds the samples' incident: exec, cluster-admin binding, privileged pod, secret deletion", () => {
    const r = cli(['scan', join(REPO_ROOT, 'samples'), '--alerts', 'ndjson', '--cluster', 'prod-eu-1']);
    expect(r.code).toBe(0);
    const alerts = ndjson(r.stdout);
    const fired = (step: string) => alerts.filter((a) => incident[step]!.includes(a.kubernetes.audit.auditID)).map((a) => a.rule.id);
    expect(fired('c_exec_imds_probe')).toContain('pod-exec');
    expect(fired('d3_impersonated_cluster_admin_binding')).toContain('rbac-cluster-admin-binding');
    expect(fired('e_privileged_hostpath_pod')).toContain('pod-privileged');
    expect(fired('f1_secret_delete')).toContain('secret-deleted');
    expect(alerts.every((a) => a.orchestrator.cluster.name === 'prod-eu-1')).toBe(true);
    expect(r.stderr).toMatch(/^539 events from 2 inputs; 0 rejected; \d+ alerts/m);
  });

  it('prints a readable table with a summary when asked', () => {
    const r = cli(['scan', join(REPO_ROOT, 'samples/audit.log'), '--alerts', 'table']);
    expect(r.stdout).toMatch(/CRITICAL\s+rbac-cluster-admin-binding\n\s+Binding to cluster-admin created: alice@example.com \(as system:serviceaccount:shop:ops-bot\) created clusterrolebinding ops-bot-admin/);
  });

  it('finds the exec, the secret reads and the privileged pod in the real Factotum8 capture', () => {
    const r = cli(['scan', join(CORPUS, 'yandex-practicum-task6/Factotum8/audit.log'), '--alerts', 'ndjson']);
    expect(r.code).toBe(0);
    const ids = ndjson(r.stdout).map((a) => a.rule.id);
    expect(ids).toContain('pod-exec');
    expect(ids).toContain('pod-privileged');
    expect(ids).toContain('secrets-list-sensitive'); // kube-system secrets listed
    expect(ids).toContain('secret-get-failed'); // the impersonated service account's refused read
    expect(r.stderr).toMatch(/^2268 events from 1 input; 0 rejected/m);
  });

  it("decodes every Falco trace and rejects the malformed one with Falco's reason, keeping it", () => {
    const cwd = tmp();
    const r = cli(['scan', join(CORPUS, 'falcosecurity-falco/k8s_audit'), '--alerts', 'none'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/fal_01_003\.json:1: data not recognized as a k8s audit event/);
    expect(r.stderr).toMatch(/^51 events from 47 inputs; 1 rejected \(kept in rejected.ndjson\)/m);
    const kept = JSON.parse(readFileSync(join(cwd, 'rejected.ndjson'), 'utf8').trim());
    expect(kept).toMatchObject({ reason: expect.stringMatching(/not recognized/), origin: { line: 1 }, text: '{"kind": 0}' });
  });

  it('fails a PNG with one clear line and exit code 1', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const r = cli(['scan', join(dir, 'shot.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/shot\.png: not an audit log: it is a PNG image/);
  });

  it('exits 1 when nothing in the input is an audit event', () => {
    const r = cli(['scan', '-'], { input: '{"hello":1}\n{"kind":"Pod"}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stdin:1: .*not recognized/);
    expect(r.stderr).toMatch(/no audit events in -: all 2 records were rejected/);
  });

  it('exits 2 on a usage error', () => {
    expect(cli(['scan']).code).toBe(2);
    expect(cli(['scan', 'x', '--alerts', 'xml']).code).toBe(2);
  });

  it('exits 1 with one line per problem for a broken tuning file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 't.yaml'), 'severity_floor: urgent\nrules: { disable: [no-such-rule] }\nbogus: 1\n');
    const r = cli(['scan', join(REPO_ROOT, 'samples/audit.log'), '--config', join(dir, 't.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/severity_floor/);
    expect(r.stderr).toMatch(/bogus/);
  });

  it('stores once however often a file is scanned, and query answers who deleted the secret', () => {
    const dir = tmp();
    const db = join(dir, 'audit.db');
    const first = cli(['scan', join(REPO_ROOT, 'samples/audit.log'), '--store', db, '--alerts', 'none']);
    expect(first.stderr).toMatch(/store: 519 new, 0 already stored/);
    const second = cli(['scan', join(REPO_ROOT, 'samples/audit.log'), '--store', db, '--alerts', 'none']);
    expect(second.stderr).toMatch(/store: 0 new, 519 already stored/);
    const q = cli(['query', '--store', db, '--verb', 'delete', '--resource', 'secrets', '--name', 'db-credentials', '--format', 'ndjson']);
    expect(q.code).toBe(0);
    const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user: 'alice@example.com', namespace: 'shop', source_ip: '203.0.113.66' });
    const table = cli(['query', '--store', db, '--namespace', 'kube-system', '--user', 'alice@example.com']);
    expect(table.stdout).toMatch(/TIME\s+USER\s+VERB\s+OBJECT/);
    expect(table.stdout).toMatch(/pods kube-system\/debug-tools/);
  });

  it('writes Elasticsearch-ready documents with --out', () => {
    const dir = tmp();
    const out = join(dir, 'events.ndjson');
    cli(['scan', join(REPO_ROOT, 'samples/audit.log'), '--out', out, '--alerts', 'none', '--cluster', 'prod-eu-1']);
    const docs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(docs).toHaveLength(519);
    expect(docs[0]).toMatchObject({ '@timestamp': expect.any(String), event: { kind: 'event' }, orchestrator: { cluster: { name: 'prod-eu-1' } }, kubernetes: { audit: { auditID: expect.any(String) } } });
    expect(docs.filter((d) => d.k8s_audit.alert_ids).length).toBeGreaterThan(0);
  });

  it('reads rotated files, gzip included, from a directory', () => {
    const r = cli(['scan', join(REPO_ROOT, 'samples/rotated'), '--alerts', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^93 events from 2 inputs/m);
  });
});

describe('k8s-audit rules', () => {
  it('lists the catalogue as JSON with metadata', () => {
    const r = cli(['rules', 'list', '--format', 'json']);
    const rules = JSON.parse(r.stdout) as { id: string; severity: string; mitre: string[]; references: object; enabled: boolean }[];
    expect(rules.find((x) => x.id === 'pod-exec')).toMatchObject({ severity: 'medium', mitre: ['T1609'], references: { falco: 'Attach/Exec Pod' }, enabled: true });
  });

  it("runs every rule's own test events", () => {
    const r = cli(['rules', 'test']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });
});

describe('k8s-audit run -c (file follow)', () => {
  it('follows a live log into the store and stops cleanly on SIGTERM', async () => {
    const dir = tmp();
    const log = join(dir, 'audit.log');
    writeFileSync(log, `${JSON.stringify(auditEvent({ verb: 'delete' }))}\n`);
    writeFileSync(join(dir, 'p.yaml'), `cluster: lab\nsource: { type: file, path: audit.log, checkpoint: cp.json, poll_ms: 20 }\nsinks: [{ type: sqlite, path: audit.db }, { type: alerts, format: ndjson }]\n`);
    const child = spawn(process.execPath, [BIN, 'run', '-c', join(dir, 'p.yaml')], { cwd: dir });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(pred()).toBe(true);
    };
    await waitFor(() => out.includes('"secret-deleted"'));
    appendFileSync(log, `${JSON.stringify(auditEvent({ verb: 'delete', objectRef: { resource: 'secrets', namespace: 'x', name: 'second' } }))}\n`);
    await waitFor(() => out.split('\n').filter((l) => l.includes('"secret-deleted"')).length === 2);
    await waitFor(() => existsSync(join(dir, 'cp.json')) && JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8')).line === 2);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(JSON.parse(out.split('\n')[0]!).orchestrator.cluster.name).toBe('lab');
  });
});
