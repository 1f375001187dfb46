import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../../../src/core/batch.js';
import { createFollowSource } from '../../../../src/sources/file/follow.js';

const line = (n: number) => `${JSON.stringify({ n })}\n`;

/** Pulls batches until `want` records arrived, acknowledging each; bounded by time. */
async function collect(it: AsyncIterator<SourceBatch>, want: number, seen: number[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (seen.length < want) {
    if (Date.now() > deadline) throw new Error(`timed out with ${seen.length}/${want}: ${seen.join(',')}`);
    const { value, done } = await it.next();
    if (done) throw new Error('source ended');
    for (const r of value.records) seen.push((JSON.parse(r.text) as { n: number }).n);
    value.ack();
  }
}

describe('file follow source', () => {
  it('keeps reading across rotation and resumes from its checkpoint without gaps or repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-'));
    const log = join(dir, 'audit.log');
    const checkpointFile = join(dir, 'state', 'checkpoint.json');
    writeFileSync(log, line(1) + line(2));
    const opts = { path: log, checkpointFile, startAt: 'beginning' as const, batchSize: 100, pollMs: 10, maxLineBytes: 1 << 20 };

    const ac = new AbortController();
    const src = createFollowSource(opts);
    const it = src.batches(ac.signal)[Symbol.asyncIterator]();
    const seen: number[] = [];
    await collect(it, 2, seen);
    appendFileSync(log, line(3) + '{"n":4');           // a partial line is held back…
    await collect(it, 3, seen);
    appendFileSync(log, '}\n');                          // …until its newline arrives
    await collect(it, 4, seen);
    // Rotation as kube-apiserver does it: rename, then a new file. Lines written to the old file
    // just before the rename must still be read.
    appendFileSync(log, line(5));
    renameSync(log, join(dir, 'audit-2026-11-20T09-00-00.000.log'));
    writeFileSync(log, line(6));
    await collect(it, 6, seen);
    ac.abort();
    await it.return?.();
    await src.close();

    // Down for a while: more lines, another rotation, then a restart.
    appendFileSync(log, line(7));
    renameSync(log, join(dir, 'audit-2026-11-20T10-00-00.000.log'));
    writeFileSync(log, line(8));
    const ac2 = new AbortController();
    const src2 = createFollowSource(opts);
    const it2 = src2.batches(ac2.signal)[Symbol.asyncIterator]();
    await collect(it2, 8, seen);
    ac2.abort();
    await it2.return?.();
    await src2.close();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('starts over when the file is truncated in place (copytruncate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-'));
    const log = join(dir, 'audit.log');
    writeFileSync(log, line(1) + line(2));
    const ac = new AbortController();
    const src = createFollowSource({ path: log, startAt: 'beginning', batchSize: 100, pollMs: 10, maxLineBytes: 1 << 20 });
    const it = src.batches(ac.signal)[Symbol.asyncIterator]();
    const seen: number[] = [];
    await collect(it, 2, seen);
    truncateSync(log, 0);
    appendFileSync(log, line(3));
    await collect(it, 3, seen);
    ac.abort();
    await it.return?.();
    await src.close();
    expect(seen).toEqual([1, 2, 3]);
  });
  it('starts over after a copytruncate during a restart, even when the file grew past the old offset again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-'));
    const log = join(dir, 'audit.log');
    const checkpointFile = join(dir, 'checkpoint.json');
    const opts = { path: log, checkpointFile, startAt: 'beginning' as const, batchSize: 100, pollMs: 10, maxLineBytes: 1 << 20 };
    writeFileSync(log, [1, 2, 3].map(line).join(''));
    const seen: number[] = [];
    const a = new AbortController();
    const src = createFollowSource(opts);
    const it = src.batches(a.signal)[Symbol.asyncIterator]();
    await collect(it, 3, seen);
    a.abort();
    await it.return?.();
    await src.close();
    // Down: logrotate's copytruncate, then more (and longer) lines than before.
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, [4, 5, 6, 7, 8, 9, 10, 11].map(line).join(''));
    const b = new AbortController();
    const src2 = createFollowSource(opts);
    const it2 = src2.batches(b.signal)[Symbol.asyncIterator]();
    await collect(it2, 11, seen);
    // And while running: truncated and rewritten past our offset between two polls.
    truncateSync(log, 0);
    appendFileSync(log, [12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map(line).join(''));
    await collect(it2, 21, seen);
    b.abort();
    await it2.return?.();
    await src2.close();
    expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('notices a copytruncate during a restart even when every line ends alike and has the same length', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-'));
    const log = join(dir, 'audit.log');
    const opts = { path: log, checkpointFile: join(dir, 'cp.json'), startAt: 'beginning' as const, batchSize: 100, pollMs: 10, maxLineBytes: 1 << 20 };
    // Like real audit lines: the id near the start, a long identical tail.
    const fixed = (n: number) => `{"n":"${String(n).padStart(4, '0')}","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}\n`;
    const read = (t: string) => Number((JSON.parse(t) as { n: string }).n);
    writeFileSync(log, [1, 2, 3].map(fixed).join(''));
    const seen: number[] = [];
    for (const round of [0, 1]) {
      const ac = new AbortController();
      const src = createFollowSource(opts);
      const it = src.batches(ac.signal)[Symbol.asyncIterator]();
      const want = round === 0 ? 3 : 9;
      const deadline = Date.now() + 5000;
      while (seen.length < want && Date.now() < deadline) {
        const { value } = await it.next();
        for (const r of value!.records) seen.push(read(r.text));
        value!.ack();
      }
      ac.abort();
      await it.return?.();
      await src.close();
      if (round === 0) {
        copyFileSync(log, `${log}.1`);
        truncateSync(log, 0);
        appendFileSync(log, [4, 5, 6, 7, 8, 9].map(fixed).join(''));
      }
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads every backup when the log rotates several times between reads or while stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-'));
    const log = join(dir, 'audit.log');
    const checkpointFile = join(dir, 'checkpoint.json');
    const opts = { path: log, checkpointFile, startAt: 'beginning' as const, batchSize: 100, pollMs: 10, maxLineBytes: 1 << 20 };
    writeFileSync(log, line(1));
    const seen: number[] = [];
    const a = new AbortController();
    const src = createFollowSource(opts);
    const it = src.batches(a.signal)[Symbol.asyncIterator]();
    await collect(it, 1, seen);
    a.abort();
    await it.return?.();
    await src.close();
    // Three rotations while stopped.
    for (let r = 0; r < 3; r++) {
      appendFileSync(log, line(2 + r * 2));
      renameSync(log, join(dir, `audit-2026-11-20T0${r}-00-00.000.log`));
      writeFileSync(log, line(3 + r * 2));
    }
    const b = new AbortController();
    const src2 = createFollowSource(opts);
    const it2 = src2.batches(b.signal)[Symbol.asyncIterator]();
    await collect(it2, 7, seen);
    b.abort();
    await it2.return?.();
    await src2.close();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('has no gaps and no repeats across random restarts, crashes with unacknowledged batches, and rotations (seeded)', async () => {
    const seed = Number(process.env.FAULT_SEED) || 4242;
    let state = seed >>> 0;
    const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-follow-'));
    const log = join(dir, 'audit.log');
    const checkpointFile = join(dir, 'checkpoint.json');
    const opts = { path: log, checkpointFile, startAt: 'beginning' as const, batchSize: 7, pollMs: 5, maxLineBytes: 1 << 20 };
    writeFileSync(log, '');
    let written = 0;
    let rotations = 0;
    let crashes = 0;
    let restarts = 0;
    const acked: number[] = [];
    let ac = new AbortController();
    let src = createFollowSource(opts);
    let it = src.batches(ac.signal)[Symbol.asyncIterator]();
    const stop = async () => {
      ac.abort();
      await pending;
      pending = undefined;
      await it.return?.();
      await src.close();
    };
    const start = () => {
      ac = new AbortController();
      src = createFollowSource(opts);
      it = src.batches(ac.signal)[Symbol.asyncIterator]();
    };
    /** Next batch, or undefined when nothing new arrives within a few polls (the pending pull is kept for the next call). */
    let pending: Promise<IteratorResult<SourceBatch>> | undefined;
    const next = async () => {
      pending ??= it.next();
      const r = await Promise.race([pending, new Promise<undefined>((res) => setTimeout(() => res(undefined), 60))]);
      if (r === undefined) return undefined;
      pending = undefined;
      return r.done ? undefined : r.value;
    };
    for (let step = 0; step < 400; step++) {
      const x = random();
      if (x < 0.35) {
        const n = 1 + Math.floor(random() * 12);
        appendFileSync(log, Array.from({ length: n }, (_, i) => line(written + i + 1)).join(''));
        written += n;
      } else if (x < 0.45) {
        renameSync(log, join(dir, `audit-2026-11-20T10-00-${String(rotations).padStart(2, '0')}.${String(step).padStart(3, '0')}.log`));
        writeFileSync(log, '');
        rotations++;
      } else if (x < 0.85) {
        const batch = await next();
        if (batch) {
          for (const r of batch.records) acked.push((JSON.parse(r.text) as { n: number }).n);
          batch.ack();
        }
      } else if (x < 0.93) {
        // A crash with a batch read but not acknowledged: it must come again after the restart.
        await next();
        await stop();
        crashes++;
        start();
      } else {
        await stop();
        restarts++;
        start();
      }
    }
    for (let idle = 0; acked.length < written && idle < 50; ) {
      const batch = await next();
      if (!batch) {
        idle++;
        continue;
      }
      for (const r of batch.records) acked.push((JSON.parse(r.text) as { n: number }).n);
      batch.ack();
    }
    await stop();
    expect(acked).toEqual(Array.from({ length: written }, (_, i) => i + 1));
    expect(readFileSync(checkpointFile, 'utf8')).toContain('fingerprint');
    console.log(`file follow (seed ${seed}): ${written} lines, ${rotations} rotations, ${crashes} crashes with an unacknowledged batch, ${restarts} clean restarts: no gaps, no repeats`);
  }, 60_000);
});
