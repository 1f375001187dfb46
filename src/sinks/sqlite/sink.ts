import type { Sink } from '../../core/contracts.js';
import { AuditStore, type StoreWriteResult } from './store.js';

/** The store as a pipeline sink: a batch is acknowledged once its transaction has committed. */
export function createSqliteSink(path: string) {
  const store = new AuditStore(path);
  const totals: StoreWriteResult = { events: 0, duplicates: 0, alerts: 0, rejected: 0 };
  const sink: Sink & { totals: StoreWriteResult; store: AuditStore } = {
    name: 'sqlite',
    totals,
    store,
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
