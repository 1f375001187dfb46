import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../../src/decode/decode.js';
import { createEnricher } from '../../../../src/enrich/enrich.js';
import { queryEvents } from '../../../../src/sinks/sqlite/query.js';
import { SCHEMA } from '../../../../src/sinks/sqlite/schema.js';
import { AuditStore, PAGE_BYTES } from '../../../../src/sinks/sqlite/store.js';
import { auditEvent, raw } from '../../../helpers/events.js';

const decoder = createDecoder({ defaultCluster: 'c1' });
const enrich = createEnricher({ redact: true });
const batch = (events: Record<string, unknown>[]) => ({ events: enrich(decoder.decode(events.map((e, i) => raw(e, i + 1))).events), alerts: [], rejected: [] });
const tmpStore = () => new AuditStore(join(mkdtempSync(join(tmpdir(), 'k8s-audit-store-')), 'audit.db'));

describe('AuditStore', () => {
  it('keeps one copy per auditID and stage, however often a batch is written', () => {
    const store = tmpStore();
    const e = auditEvent({ verb: 'delete' });
    const b = batch([e, { ...e, stage: 'ResponseStarted' }]);
    expect(store.write(b)).toMatchObject({ events: 2, duplicates: 0 });
    expect(store.write(b)).toMatchObject({ events: 0, duplicates: 2 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 2 });
    store.close();
  });

  it('answers who deleted a secret, collapsing the stages of one request', () => {
    const store = tmpStore();
    const del = auditEvent({ verb: 'delete', user: { username: 'mallory' } });
    store.write(batch([auditEvent({ verb: 'get' }), { ...del, stage: 'ResponseStarted' }, del, auditEvent({ verb: 'delete', objectRef: { resource: 'secrets', namespace: 'shop', name: 'other' } })]));
    const rows = queryEvents(store, { verb: 'delete', resource: 'secrets', name: 'db-credentials' });
    expect(rows.map((r) => [r.user, r.stage])).toEqual([['mallory', 'ResponseComplete']]);
    store.close();
  });

  it('finds what a user did, including as an impersonated identity, within a time range', () => {
    const store = tmpStore();
    store.write(batch([
      auditEvent({ user: { username: 'bob' }, stageTimestamp: '2026-11-20T08:00:00Z' }),
      auditEvent({ user: { username: 'bob' }, stageTimestamp: '2026-11-20T09:30:00Z' }),
      auditEvent({ user: { username: 'alice' }, impersonatedUser: { username: 'bob' }, stageTimestamp: '2026-11-20T09:40:00Z' }),
      auditEvent({ user: { username: 'carol' }, stageTimestamp: '2026-11-20T09:45:00Z' }),
    ]));
    const rows = queryEvents(store, { user: 'bob', since: '2026-11-20T09:00:00Z', until: '2026-11-20T10:00:00Z' });
    expect(rows.map((r) => r.user)).toEqual(['bob', 'alice']);
    store.close();
  });

  it('plans look-ups on indexes, not table scans', () => {
    const store = tmpStore();
    const plan = (sql: string) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT * FROM events WHERE resource = 'secrets' AND name = 'x'")).toMatch(/USING INDEX events_object/);
    expect(plan("SELECT * FROM events WHERE namespace = 'shop' ORDER BY ts")).toMatch(/USING INDEX events_namespace/);
    expect(plan("SELECT * FROM events WHERE (user = 'u' OR effective_user = 'u') AND ts >= '2026'")).toMatch(/INDEX events_user/);
    store.close();
  });

  it('keeps rejected input with its reason, once per place', () => {
    const store = tmpStore();
    const rejected = [{ origin: { source: 'a.log', line: 3 }, reason: 'not valid JSON', text: '{' }];
    store.write({ events: [], alerts: [], rejected });
    store.write({ events: [], alerts: [], rejected });
    expect(store.db.prepare('SELECT source, line, reason FROM rejected').all()).toEqual([{ source: 'a.log', line: 3, reason: 'not valid JSON' }]);
    store.close();
  });

  it('creates new stores with 16 KiB pages and checkpoints the WAL every ~40 MB', () => {
    const store = tmpStore();
    expect(PAGE_BYTES).toBe(16384);
    expect(store.db.pragma('page_size', { simple: true })).toBe(16384);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(2560);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: durable once committed to the WAL
    store.close();
  });

  it('refuses a store written with another schema version, saying what to do', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-store-')), 'audit.db');
    const old = new Database(path);
    old.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '2')");
    old.close();
    expect(() => new AuditStore(path)).toThrow(/schema version 2; this k8s-audit reads and writes version 4 .*scan into a new store file/);
    expect(() => new AuditStore(path, { readonly: true })).toThrow(/schema version 2/);
  });

  it('upgrades a version 3 store in place when writing, keeping its events, and reads one as it is', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-store-')), 'audit.db');
    const written = new AuditStore(path);
    written.write(batch([auditEvent({ verb: 'delete' })]));
    written.close();
    // What version 3 left: the object index on (resource, name, ts).
    const v3 = new Database(path);
    v3.exec("DROP INDEX events_object; CREATE INDEX events_object ON events (resource, name, ts); UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    v3.close();
    const objectIndex = (db: Database.Database) => (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_object'").get() as { sql: string }).sql;
    const reader = new AuditStore(path, { readonly: true });
    expect(objectIndex(reader.db)).toMatch(/\(resource, name, ts\)/);
    expect(queryEvents(reader, { resource: 'secrets', name: 'db-credentials' })).toHaveLength(1);
    reader.close();
    const store = new AuditStore(path);
    expect(objectIndex(store.db)).toMatch(/\(resource, ts, name\)/);
    expect(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: '4' });
    expect(queryEvents(store, { resource: 'secrets', name: 'db-credentials' })).toHaveLength(1);
    store.close();
  });

  it('looks up one object from the object index alone, in time order', () => {
    const store = tmpStore();
    const plan = store.db.prepare('EXPLAIN QUERY PLAN SELECT ts FROM events WHERE resource = ? AND name = ? ORDER BY ts').all('secrets', 'x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/COVERING INDEX events_object \(resource=\?\)/);
    store.close();
  });

  it('syncs every commit for sources that never re-send (the webhook)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-store-')), 'audit.db');
    const store = new AuditStore(path, { syncEachCommit: true });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    store.close();
  });

  it('keeps the 4 KiB pages of a store created before, with the same ~40 MB between checkpoints', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-store-')), 'audit.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(SCHEMA);
    old.close();
    const store = new AuditStore(path);
    expect(store.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10240);
    expect(store.write(batch([auditEvent()]))).toMatchObject({ events: 1 });
    store.close();
  });

  it('refuses to open a missing store read-only, saying how to create one', () => {
    expect(() => new AuditStore('/nonexistent/x.db', { readonly: true })).toThrow(/create it with `k8s-audit scan/);
  });
});
