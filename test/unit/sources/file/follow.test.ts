import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
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
});
