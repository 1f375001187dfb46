// The store as a pipeline sink: a batch is acknowledged once its transaction has committed. Writes
// run on a writer thread (writer-thread.ts); the rows are built here, where the batch lives, and
// cross packed (packed-rows.ts). If the writer thread dies, every batch it had not answered fails
// (the webhook answers 503 and the API server re-sends), never left hanging.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Sink } from '../../core/contracts.js';
import { ConfigError, DeliveryError } from '../../core/errors.js';
import { packedRowCount } from './packed-rows.js';
import { AuditStore, toRows, type StoreOptions, type StoreWriteResult } from './store.js';

type Pending = { resolve: () => void; reject: (e: Error) => void };

/** What the writer thread answers: the ids of a committed (or refused) transaction's batches. */
export interface WriterAnswer {
  ids?: number[];
  result?: StoreWriteResult;
  error?: string;
  closed?: boolean;
}

/**
 * The writer thread's young generation. Everything it gets dies within a transaction (rows, then
 * their strings), so a small one costs no more collecting; V8's default let it grow to ~32 MB over
 * minutes, half the climb of a follow run's RSS (bench/follow.js, --trace-gc).
 */
const WRITER_YOUNG_GENERATION_MB = 8;

/** The compiled writer thread; absent when this module runs from TypeScript source (vitest). */
const WRITER = new URL('./writer-thread.js', import.meta.url);

export interface SqliteSinkOptions extends Pick<StoreOptions, 'syncEachCommit'> {
  /** The writer thread's module (tests give one that fails); the compiled writer-thread.js by default. */
  writer?: URL;
}

export function createSqliteSink(path: string, options: SqliteSinkOptions = {}) {
  const writer = options.writer ?? WRITER;
  const storeOptions: StoreOptions = options.syncEachCommit === undefined ? {} : { syncEachCommit: options.syncEachCommit };
  if (!existsSync(fileURLToPath(writer))) return createInThreadSqliteSink(path, storeOptions);
  const totals: StoreWriteResult = { events: 0, duplicates: 0, alerts: 0, rejected: 0 };
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let worker: Worker | undefined;
  let ready = false;
  let failure: Error | undefined;
  let closing = false;

  /** The writer is gone: fail what it had not answered, and every later write. */
  function fail(e: DeliveryError): void {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  }

  function start(): Promise<void> {
    const w = new Worker(writer, { workerData: { path, options: storeOptions }, resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
    worker = w;
    return new Promise((resolve, reject) => {
      w.once('message', (m: { ready: boolean; error?: string }) => {
        if (!m.ready) return reject(new ConfigError(m.error ?? `${path}: cannot open the store`));
        w.on('message', onMessage);
        ready = true;
        resolve();
      });
      w.once('error', (e) => {
        fail(new DeliveryError(`the store's writer thread failed: ${e.message}`, { cause: e }));
        reject(failure);
      });
      w.once('exit', (code) => {
        if (closing) return;
        fail(new DeliveryError(`the store's writer thread exited (code ${code}) before it committed the batches in flight`));
        reject(failure);
      });
    });
  }

  function onMessage(m: WriterAnswer): void {
    if (!m.ids) return;
    if (m.result) {
      totals.events += m.result.events;
      totals.duplicates += m.result.duplicates;
      totals.alerts += m.result.alerts;
      totals.rejected += m.result.rejected;
    }
    for (const id of m.ids) {
      const p = pending.get(id);
      pending.delete(id);
      if (!p) continue;
      if (m.error) p.reject(new DeliveryError(`${path}: the store refused the batch: ${m.error}`));
      else p.resolve();
    }
  }

  let opening: Promise<void> | undefined;
  const sink: Sink & { totals: StoreWriteResult } = {
    name: 'sqlite',
    totals,
    async open() {
      await (opening ??= start());
    },
    // Not async: an async function keeps its arguments until it returns, and this one waits for a
    // commit, so the whole processed batch stayed reachable meanwhile.
    write(batch) {
      if (failure) return Promise.reject(failure);
      if (!ready) return closing ? Promise.reject(new DeliveryError(`${path}: the store is closed`)) : (opening ??= start()).then(() => sink.write(batch));
      const rows = toRows(batch);
      if (!packedRowCount(rows.events) && !rows.alerts.length && !rows.rejected.length) return Promise.resolve();
      const id = nextId++;
      worker!.postMessage({ id, rows }, [rows.events.lengths.buffer as ArrayBuffer]);
      return new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    async close() {
      const w = worker;
      if (!w) return;
      worker = undefined;
      ready = false;
      closing = true;
      if (!failure) {
        await new Promise<void>((resolve) => {
          w.on('message', (m: WriterAnswer) => m.closed && resolve());
          w.once('exit', () => resolve());
          w.postMessage({ close: true });
        });
      }
      await w.terminate();
    },
  };
  return sink;
}

/** The same sink writing on the calling thread: for source runs, where no compiled worker exists. */
function createInThreadSqliteSink(path: string, options: StoreOptions) {
  const store = new AuditStore(path, options);
  const totals: StoreWriteResult = { events: 0, duplicates: 0, alerts: 0, rejected: 0 };
  const sink: Sink & { totals: StoreWriteResult } = {
    name: 'sqlite',
    totals,
    async write(batch) {
      const r = store.write(batch);
      totals.events += r.events;
      totals.duplicates += r.duplicates;
      totals.alerts += r.alerts;
      totals.rejected += r.rejected;
    },
    async close() {
      store.close();
    },
  };
  return sink;
}
