// `k8s-audit run -c` following a live audit log, killed with SIGKILL at random points while the log
// is written and rotated (as kube-apiserver rotates: rename to audit-<time>.log, new audit.log), and
// once copytruncate'd (as logrotate does it) while the pipeline is down. After the last restart the
// store holds every written event exactly once: no gaps (checkpoints resume at the right place, in
// the right file) and no repeats. Seeded: FAULT_SEED=<seed> replays a schedule.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvent, REPO_ROOT } from '../helpers/events.js';

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('file follow under faults', () => {
  it('SIGKILLs during writes and rotations, and a copytruncate while down: every event exactly once', async () => {
    const seed = Number(process.env.FAULT_SEED) || Math.floor(Math.random() * 2 ** 31) + 1;
    const random = seeded(seed);
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-fault-'));
    const log = join(dir, 'audit.log');
    const store = join(dir, 'audit.db');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'pipeline.yaml'),
      [
        'cluster: follow-fault',
        `source: { type: file, path: audit.log, follow: true, checkpoint: state/checkpoint.json, poll_ms: 20, batch_size: 40 }`,
        'sinks:',
        '  - { type: sqlite, path: audit.db }',
        'dead_letter: rejected.ndjson',
      ].join('\n'),
    );
    let running: ChildProcess | undefined;
    let stderr = '';
    const start = () => {
      const p = spawn(process.execPath, [join(REPO_ROOT, 'bin/k8s-audit.js'), 'run', '-c', join(dir, 'pipeline.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
      children.add(p);
      p.once('exit', () => children.delete(p));
      running = p;
    };
    const kill = async () => {
      const p = running!;
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await gone;
    };
    const ids = (): string[] => {
      try {
        const db = new Database(store, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT audit_id FROM events').all() as { audit_id: string }[]).map((r) => r.audit_id);
        } finally {
          db.close();
        }
      } catch {
        return [];
      }
    };
    const caughtUp = async (n: number) => {
      const deadline = Date.now() + 90_000;
      while (ids().length < n) {
        if (Date.now() > deadline) {
          const have = new Set(ids());
          const missing = Array.from({ length: n }, (_, i) => `follow-${String(i + 1).padStart(6, '0')}`).filter((id) => !have.has(id));
          throw new Error(`timed out at ${have.size}/${n} events (seed ${seed}, dir ${dir}); missing ${missing.length}: ${missing.slice(0, 5).join(', ')}…${missing.slice(-3).join(', ')}; ${schedule.join('; ')}\n${stderr}`);
        }
        await sleep(50);
      }
    };

    let written = 0;
    let rotations = 0;
    const write = (n: number) => {
      appendFileSync(log, Array.from({ length: n }, (_, i) => `${JSON.stringify(auditEvent({ auditID: `follow-${String(written + i + 1).padStart(6, '0')}` }))}\n`).join(''));
      written += n;
    };
    const rotate = () => {
      renameSync(log, join(dir, `audit-2026-11-20T09-00-${String(rotations).padStart(2, '0')}.000.log`));
      writeFileSync(log, '');
      rotations++;
    };

    const schedule: string[] = [];
    start();
    // Until its first checkpoint a pipeline starts at the live file's beginning (backups rotated away
    // before it ever ran are history, not its job), so let it take the first lines before the faults.
    write(10);
    await caughtUp(10);
    const KILLS = 5;
    for (let k = 0; k < KILLS; k++) {
      // Write and rotate until the (re)started pipeline stores something, then for a random while
      // more, and SIGKILL it at that point: mid-batch, mid-rotation, between a write and its checkpoint.
      const before = ids().length;
      const writeSome = async () => {
        write(1 + Math.floor(random() * 25));
        if (random() < 0.15) rotate();
        await sleep(Math.floor(random() * 40));
      };
      const giveUp = Date.now() + 30_000;
      while (ids().length <= before && Date.now() < giveUp) await writeSome();
      const until = Date.now() + Math.floor(random() * 800);
      while (Date.now() < until) await writeSome();
      const stored = ids().length;
      await kill();
      schedule.push(`kill ${k + 1} at ${stored}/${written} stored`);
      // Sometimes the log rotates (even twice) while the pipeline is down.
      if (random() < 0.5) {
        write(20);
        rotate();
        if (random() < 0.5) {
          write(10);
          rotate();
        }
      }
      start();
    }
    // A copytruncate while down: let it catch up (so no line lives only in the copy), stop it, copy
    // and truncate, then write more than was there so the file grows past the old offset again.
    await caughtUp(written);
    await sleep(200);
    await kill();
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    write(300);
    schedule.push('copytruncate while down');
    start();
    write(50);
    await caughtUp(written);
    const p = running!;
    const code = new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    p.kill('SIGTERM');
    expect(await code).toBe(0);

    const got = ids().sort();
    const want = Array.from({ length: written }, (_, i) => `follow-${String(i + 1).padStart(6, '0')}`);
    expect(got.length).toBe(written);
    expect(got).toEqual(want);
    console.log(`file follow faults (seed ${seed}, FAULT_SEED replays it): ${written} events, ${rotations} rotations, ${KILLS} SIGKILLs (${schedule.join('; ')}): exactly once`);
  }, 240_000);
});
