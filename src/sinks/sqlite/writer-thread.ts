// The store's writer thread: owns the SQLite connection for writes, so inserts and commits (about
// half the cost of a scan with --store) run beside the pipeline instead of inside it. Batches that
// arrive while a transaction runs are committed together (group commit: one sync of the disk for
// all of them); each is answered once its transaction has committed. When a group's transaction
// fails, its batches are written again one transaction each, so one bad batch fails alone.
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterAnswer } from './sink.js';
import { AuditStore, type StoreOptions, type StoreRows } from './store.js';

interface Request {
  id: number;
  rows: StoreRows;
}

const port = parentPort!;
let store: AuditStore;
try {
  const { path, options } = workerData as { path: string; options: StoreOptions };
  store = new AuditStore(path, options);
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ ready: false, error: (e as Error).message });
  process.exit(0);
}

let queue: Request[] = [];
let scheduled = false;

port.on('message', (m: Request | { close: true }) => {
  if ('close' in m) {
    flush();
    store.close();
    port.postMessage({ closed: true } satisfies WriterAnswer);
    return;
  }
  queue.push(m);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});

function flush(): void {
  scheduled = false;
  if (!queue.length) return;
  const group = queue;
  queue = [];
  if (write(group) || group.length === 1) return;
  for (const r of group) write([r]);
}

/** One transaction for the group, answered; false when it failed and more than one batch was in it (not answered yet). */
function write(group: Request[]): boolean {
  const ids = group.map((r) => r.id);
  try {
    port.postMessage({ ids, result: store.writeRows(group.map((r) => r.rows)) } satisfies WriterAnswer);
    return true;
  } catch (e) {
    if (group.length > 1) return false;
    port.postMessage({ ids, error: (e as Error).message } satisfies WriterAnswer);
    return true;
  }
}
