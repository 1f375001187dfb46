// The store sink as the CLI runs it: compiled, with its writer thread (dist/ is built by `npm test`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvent, raw, REPO_ROOT } from '../../../helpers/events.js';

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

  it('fails clearly when the store cannot be opened', async () => {
    const { createSqliteSink } = await dist('sinks/sqlite/sink.js');
    const sink = createSqliteSink('/nonexistent/dir/audit.db');
    await expect(sink.open()).rejects.toThrow(/cannot open the store/);
  });
});
