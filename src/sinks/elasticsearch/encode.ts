// Builds _bulk request bodies. Events use `create` with _id = auditID:stage: an audit event never
// changes, so a replay (at-least-once delivery) answers 409 and we count it as already there.
// Alerts use `index` with their stable id: a windowed alert re-raised for the same window replaces
// itself rather than duplicating.
import type { Alert } from '../../core/alert.js';
import type { SinkRecord } from '../../core/batch.js';

export type IndexPeriod = 'daily' | 'monthly' | 'none';

export interface BulkItem {
  /** The action and document lines, newline-terminated. */
  lines: string;
  bytes: number;
  kind: 'event' | 'alert';
  id: string;
  /** For the dead-letter store: what failed, with its document. */
  source: string;
}

export function indexName(prefix: string, timestamp: string, period: IndexPeriod): string {
  if (period === 'none') return prefix;
  // "2026-11-20T09:00:00.0026Z" → 2026.11.20; an unparseable time goes to the prefix's catch-all.
  const y = timestamp.slice(0, 4);
  const m = timestamp.slice(5, 7);
  const d = timestamp.slice(8, 10);
  if (!/^\d{4}$/.test(y) || !/^\d{2}$/.test(m) || !/^\d{2}$/.test(d)) return `${prefix}-undated`;
  return period === 'daily' ? `${prefix}-${y}.${m}.${d}` : `${prefix}-${y}.${m}`;
}

export function eventItem(rec: SinkRecord, prefix: string, period: IndexPeriod): BulkItem {
  const doc = rec.json();
  const action = `{"create":{"_index":"${indexName(prefix, rec.facts.time, period)}","_id":${JSON.stringify(rec.id)}}}`;
  const lines = `${action}\n${doc}\n`;
  return { lines, bytes: Buffer.byteLength(lines), kind: 'event', id: rec.id, source: doc };
}

export function alertItem(a: Alert, prefix: string, period: IndexPeriod): BulkItem {
  const doc = JSON.stringify(a);
  const lines = `{"index":{"_index":"${indexName(prefix, a['@timestamp'], period)}","_id":${JSON.stringify(a.alert.id)}}}\n${doc}\n`;
  return { lines, bytes: Buffer.byteLength(lines), kind: 'alert', id: a.alert.id, source: doc };
}

/** Splits items into bulk requests of at most `maxBytes` and `maxCount` (one oversized item goes alone). */
export function chunk(items: BulkItem[], maxBytes: number, maxCount: number): BulkItem[][] {
  const out: BulkItem[][] = [];
  let cur: BulkItem[] = [];
  let bytes = 0;
  for (const it of items) {
    if (cur.length && (bytes + it.bytes > maxBytes || cur.length >= maxCount)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += it.bytes;
  }
  if (cur.length) out.push(cur);
  return out;
}
