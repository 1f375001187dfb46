// `scan --workers N` must be invisible in every output: the same alerts, the same stored events,
// documents and alerts, the same rejects and summary as `--workers 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CORPUS, REPO_ROOT } from '../helpers/events.js';

const BIN = join(REPO_ROOT, 'bin/k8s-audit.js');

function scan(workers: number, inputs: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-workers-'));
  const r = spawnSync(process.execPath, [BIN, 'scan', ...inputs, '--workers', String(workers), '--alerts', 'ndjson', '--store', join(dir, 'a.db'), '--out', join(dir, 'docs.ndjson'), '--dead-letter', join(dir, 'rejected.ndjson')], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const db = new Database(join(dir, 'a.db'), { readonly: true });
  const rows = (sql: string) => db.prepare(sql).all().map((r) => ({ ...(r as Record<string, unknown>), id: undefined, created_at: undefined }));
  const stored = { events: rows('SELECT * FROM events ORDER BY ts, audit_id, stage'), alerts: rows('SELECT * FROM alerts ORDER BY id'), rejected: rows('SELECT source, line, item, reason FROM rejected ORDER BY source, line') };
  db.close();
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, stored, docs: readFileSync(join(dir, 'docs.ndjson'), 'utf8') };
}

describe('k8s-audit scan --workers', () => {
  it('gives exactly the one-thread output on the samples and a real capture', () => {
    const inputs = [join(REPO_ROOT, 'samples'), join(CORPUS, 'yandex-practicum-task6/Factotum8/audit.log')];
    const one = scan(0, inputs);
    const two = scan(2, inputs);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(one.stored.events.length).toBeGreaterThan(500);
    expect(one.stored.alerts.length).toBeGreaterThan(10);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stored).toEqual(one.stored);
    expect(two.docs).toBe(one.docs);
    expect(two.stderr).toBe(one.stderr);
  });
});
