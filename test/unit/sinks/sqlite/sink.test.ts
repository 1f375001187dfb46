// The store sink as the CLI runs it: compiled, with its writer thread (dist/ is built by `npm test`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessedBatch } from '../../../../src/core/batch.js';
import { auditEvent, raw, REPO_ROOT } from '../../../helpers/events.js';
import { collectionTracker } from '../../../helpers/gc.js';

const dist = (p: string) => import(join(REPO_ROOT, 'dist', p));

describe('sqlite sink (writer thread)', () => {
  it('acknowledges each batch after its commit, keeps one copy of re-sent events, and reports totals', async () => {
    const { createSqliteSink } = await dist('sinks/sqlite/sink.js');
    const { createDecoder } = await dist('decode/decode.js');
    const { createEnricher } = await dist('enrich/enrich.js');
    const { AuditStore } = await dist('sinks/sqlite/store.js');
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-sink-')), 'audit.db');
    const sink = createSqliteSink(path);
    await sink.open();
    const events = Array.from({ length: 300 }, () => auditEvent());
    const batch = (es: Record<string, unknown>[]) => ({ events: createEnricher({ redact: true })(createDecoder({ defaultCluster: 'c' }).decode(es.map((e) => raw(e))).events), alerts: [], rejected: [{ origin: { source: 'x', line: 1 }, reason: 'bad', text: '{' }] });
    // Concurrent writes are committed together or apart, each acknowledged.
    await Promise.all([sink.write(batch(events.slice(0, 100))), sink.write(batch(events.slice(100, 200))), sink.write(batch(events.slice(0, 300)))]);
    expect(sink.totals).toMatchObject({ events: 300, duplicates: 200, rejected: 1 });
    await sink.close();
    const store = new AuditStore(path, { readonly: true });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 300 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM rejected').get()).toEqual({ n: 1 });
    store.close();
  });

  it('commits the good batches of a group and fails only the one the store refuses', async () => {
    const { createSqliteSink } = await dist('sinks/sqlite/sink.js');
    const { createDecoder } = await dist('decode/decode.js');
    const { createEnricher } = await dist('enrich/enrich.js');
    const { AuditStore } = await dist('sinks/sqlite/store.js');
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-sink-')), 'audit.db');
    const sink = createSqliteSink(path, { syncEachCommit: true });
    await sink.open();
    const enrich = createEnricher({ redact: true });
    const decoder = createDecoder({ defaultCluster: 'c' });
    const batch = (n: number) => ({ events: enrich(decoder.decode(Array.from({ length: n }, () => raw(auditEvent()))).events), alerts: [], rejected: [] });
    // A value SQLite cannot bind (an object for a line number) makes the store refuse that batch.
    const broken = { ...batch(1), rejected: [{ origin: { source: 'x', line: {} }, reason: 'bad', text: '{' }] };
    // Posted in one turn, so the writer thread finds them queued together (one group).
    const results = await Promise.allSettled([sink.write(batch(50)), sink.write(broken), sink.write(batch(70))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/the store refused the batch: /);
    await sink.close();
    const store = new AuditStore(path, { readonly: true });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 120 });
    store.close();
  });

  it('fails the batches in flight at once when its writer thread dies, and every later one', async () => {
    const { createSqliteSink } = await dist('sinks/sqlite/sink.js');
    const { createDecoder } = await dist('decode/decode.js');
    const { createEnricher } = await dist('enrich/enrich.js');
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-sink-')), 'audit.db');
    const sink = createSqliteSink(path, { writer: new URL('./fixtures/exiting-writer.mjs', import.meta.url) });
    await sink.open();
    const batch = () => ({ events: createEnricher({ redact: true })(createDecoder({ defaultCluster: 'c' }).decode([raw(auditEvent())]).events), alerts: [], rejected: [] });
    const started = Date.now();
    const inFlight = await Promise.allSettled([sink.write(batch()), sink.write(batch())]);
    expect(inFlight.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((inFlight[0] as PromiseRejectedResult).reason)).toMatch(/writer thread exited \(code 3\) before it committed/);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(sink.write(batch())).rejects.toThrow(/writer thread exited/);
    await sink.close();
  });

  it('does not keep a batch while its commit is pending', async () => {
    const { createSqliteSink } = await dist('sinks/sqlite/sink.js');
    const { createDecoder } = await dist('decode/decode.js');
    const { createEnricher } = await dist('enrich/enrich.js');
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-sink-')), 'audit.db');
    const sink = createSqliteSink(path, { writer: new URL('./fixtures/silent-writer.mjs', import.meta.url) });
    await sink.open();
    const tracker = collectionTracker();
    const batch = (): ProcessedBatch => ({ events: tracker.track('events', createEnricher({ redact: true })(createDecoder({ defaultCluster: 'c' }).decode([raw(auditEvent())]).events)), alerts: [], rejected: [] });
    const write = sink.write(batch());
    expect(await tracker.collected()).toEqual(['events']);
    void write.catch(() => undefined);
    await sink.close();
  });

  it('fails clearly when the store cannot be opened', async () => {
    const { createSqliteSink } = await dist('sinks/sqlite/sink.js');
    const sink = createSqliteSink('/nonexistent/dir/audit.db');
    await expect(sink.open()).rejects.toThrow(/cannot open the store/);
  });
});
