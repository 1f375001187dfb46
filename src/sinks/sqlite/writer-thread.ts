// The store's writer thread: owns the SQLite connection for writes, so inserts and commits (about
// half the cost of a scan with --store) run beside the pipeline instead of inside it. Batches that
// arrive while a transaction runs are committed together (group commit); each is answered once
// its transaction has committed.
import { parentPort, workerData } from 'node:worker_threads';
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
    port.postMessage({ closed: true });
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
  try {
    const result = store.writeRows(group.map((r) => r.rows));
    port.postMessage({ ids: group.map((r) => r.id), result });
  } catch (e) {
    port.postMessage({ ids: group.map((r) => r.id), error: (e as Error).message });
  }
}
