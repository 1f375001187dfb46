// Event rows as they cross to the store's writer thread: the short columns' texts back to back in
// one string with their lengths (-1 for NULL) in an Int32Array that is transferred, not copied,
// and each event's JSON as its own string. A batch of 400 rows as arrays of 19 values was
// structured-cloned value by value: ~9% of serve's main thread (postMessage in bench/webhook.js's
// profile), and as many objects for the collector. The event texts (three quarters of the bytes)
// stay out of the joined string: joining copied them once more (measured: 2.6 vs 3.3 µs per event
// for packing and posting, on this 2-core machine). The columns are core/packed-facts.ts's, as the
// worker pool ships them.
import type { SinkRecord } from '../../core/batch.js';
import { forEachPacked, packFacts, STRIDE, type PackedFacts } from '../../core/packed-facts.js';

/** The events table's columns in the order of the insert's parameters: the packed facts' order, then the event. */
export const EVENT_COLUMNS = [
  'audit_id', 'stage', 'ts', 'user', 'effective_user', 'actor_kind', 'verb', 'resource', 'subresource', 'namespace', 'name',
  'code', 'decision', 'source_ip', 'user_agent', 'request_uri', 'message', 'cluster', 'event',
] as const;

export interface PackedEventRows extends PackedFacts {
  /** Each row's audit event JSON. */
  events: string[];
}

export function packEventRows(records: readonly SinkRecord[]): PackedEventRows {
  return { ...packFacts(records), events: records.map((r) => r.eventJson()) };
}

export function packedRowCount(p: PackedEventRows): number {
  return p.events.length;
}

/** Calls `each` with every row's values, in `row` (reused: copy it to keep it); `code` is a number again. */
export function forEachEventRow(p: PackedEventRows, row: unknown[], each: (row: unknown[]) => void): void {
  forEachPacked(p, row, (values, r) => {
    values[STRIDE] = p.events[r];
    each(values);
  });
}
