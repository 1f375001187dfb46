// The embedded SQLite store (better-sqlite3): events, alerts and rejected input, written one
// transaction per batch, so a batch is either durable or absent.
import Database from 'better-sqlite3';
import type { Alert } from '../../core/alert.js';
import type { ProcessedBatch } from '../../core/batch.js';
import { ConfigError } from '../../core/errors.js';
import { EVENT_COLUMNS, forEachEventRow, packEventRows, type PackedEventRows } from './packed-rows.js';
import { MIGRATIONS, SCHEMA, SCHEMA_HISTORY, SCHEMA_VERSION } from './schema.js';

/** A batch as rows: what crosses to the writer thread (events packed; alerts and rejects are few). */
export interface StoreRows {
  events: PackedEventRows;
  alerts: unknown[][];
  rejected: unknown[][];
}

export interface StoreWriteResult {
  events: number;
  duplicates: number;
  alerts: number;
  rejected: number;
}

/** The page size of new stores (SQLite's default is 4 KiB). */
export const PAGE_BYTES = 16384;
/** WAL size that triggers a checkpoint, whatever the store's page size. */
const CHECKPOINT_BYTES = 40 * 1024 * 1024;

export interface StoreOptions {
  readonly?: boolean;
  /**
   * Sync the disk at every commit (SQLite synchronous=FULL): a committed batch survives an OS crash
   * or power loss too. For sources that do not re-send what they were told is stored (the webhook:
   * kube-apiserver drops a batch once answered 200).
   */
  syncEachCommit?: boolean;
}

export class AuditStore {
  readonly db: Database.Database;
  private readonly insertEvent: Database.Statement;
  private readonly insertAlert: Database.Statement;
  private readonly insertRejected: Database.Statement;
  private readonly writeTx: (rows: StoreRows[]) => StoreWriteResult;

  constructor(readonly path: string, options: StoreOptions = {}) {
    try {
      this.db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (e) {
      throw new ConfigError(`${path}: cannot open the store: ${(e as Error).message}${options.readonly ? '; create it with `k8s-audit scan … --store FILE` first' : ''}`);
    }
    const version = storedVersion(this.db);
    // A store one index change behind is upgraded when opened for writing, and read as it is.
    const upgradable = version !== undefined && version in MIGRATIONS;
    if (version !== undefined && version !== SCHEMA_VERSION && !upgradable) {
      this.db.close();
      throw new ConfigError(`${path}: the store has schema version ${version}; this k8s-audit reads and writes version ${SCHEMA_VERSION} (${SCHEMA_HISTORY}): scan into a new store file`);
    }
    if (!options.readonly) {
      // Only a new store takes the page size (set before WAL and the first table); an existing one
      // keeps its own. An event row is ~2.4 KB, so a 4 KiB page held one and was 40% empty: with
      // 16 KiB pages the store is 27% smaller and the writer thread spends ~30% less CPU per event
      // (webhook rows: 18.5 → 12.6 µs alone, 27 → 20 µs under `serve`; 2-core machine, bench/webhook.js).
      this.db.pragma(`page_size = ${PAGE_BYTES}`);
      // WAL + NORMAL: a committed batch survives a process crash. An OS crash may lose the last
      // transactions: file and Kafka sources re-deliver them (at-least-once, deduplicated by the key).
      // A webhook batch already answered 200 is not re-sent, so the webhook's store syncs every
      // commit (FULL: ~2 µs per event more on this machine's disk).
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.syncEachCommit ? 'FULL' : 'NORMAL'}`);
      // Index pages stay in memory (the default 2 MB cache thrashed on a million events), and the WAL
      // is checkpointed every ~40 MB rather than every 4 MB: measured, half the writes. 16 MB, not 64:
      // the same CPU on a 912,000-event scan --store, 288 → 225 MB peak RSS, and a follow run's RSS
      // no longer climbs for minutes while the cache fills (bench/follow.js).
      this.db.pragma('cache_size = -16384');
      const pageBytes = this.db.pragma('page_size', { simple: true }) as number;
      this.db.pragma(`wal_autocheckpoint = ${Math.ceil(CHECKPOINT_BYTES / pageBytes)}`);
      this.db.transaction(() => {
        for (let v = version ?? SCHEMA_VERSION; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
        this.db.exec(SCHEMA);
        this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
      })();
    }
    this.insertEvent = this.db.prepare(`INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    this.insertAlert = this.db.prepare(
      `INSERT OR IGNORE INTO alerts (id, ts, cluster, rule_id, rule_name, severity, user, audit_id, resource, namespace, name, message, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRejected = this.db.prepare(
      'INSERT OR IGNORE INTO rejected (source, line, item, reason, text, cluster, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const row: unknown[] = new Array(EVENT_COLUMNS.length);
    this.writeTx = this.db.transaction((groups: StoreRows[]) => {
      const r: StoreWriteResult = { events: 0, duplicates: 0, alerts: 0, rejected: 0 };
      const insertEvent = (values: unknown[]) => {
        if (this.insertEvent.run(...values).changes === 1) r.events++;
        else r.duplicates++;
      };
      for (const rows of groups) {
        forEachEventRow(rows.events, row, insertEvent);
        for (const row of rows.alerts) r.alerts += this.insertAlert.run(...row).changes;
        for (const row of rows.rejected) r.rejected += this.insertRejected.run(...row).changes;
      }
      return r;
    });
  }

  /** One transaction: the batch is durable (WAL, synchronous=NORMAL) or absent. */
  write(batch: ProcessedBatch): StoreWriteResult {
    return this.writeTx([toRows(batch)]);
  }

  /** Several batches in one transaction (group commit from the writer thread). */
  writeRows(groups: StoreRows[]): StoreWriteResult {
    return this.writeTx(groups);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** The schema version a store was written with; undefined for a new (empty) file. */
function storedVersion(db: Database.Database): number | undefined {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()) return undefined;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row ? Number(row.value) : undefined;
}

export function toRows(batch: ProcessedBatch): StoreRows {
  const now = new Date().toISOString();
  return {
    events: packEventRows(batch.events),
    alerts: batch.alerts.map(alertRow),
    rejected: batch.rejected.map((x) => [x.origin.source, x.origin.line ?? null, x.origin.item ?? null, x.reason, x.text, x.cluster ?? null, now]),
  };
}

function alertRow(a: Alert): unknown[] {
  const ref = a.kubernetes.audit.objectRef;
  return [
    a.alert.id, a['@timestamp'], a.orchestrator.cluster.name, a.rule.id, a.rule.name, a.rule.severity, a.user.name,
    a.kubernetes.audit.auditID, ref?.resource ?? null, ref?.namespace ?? null, ref?.name ?? null, a.message, JSON.stringify(a),
  ];
}
