// Event rows as they cross to the store's writer thread: the short columns' texts back to back in
// one string with their lengths (-1 for NULL) in an Int32Array that is transferred, not copied,
// and each event's JSON as its own string. A batch of 400 rows as arrays of 19 values was
// structured-cloned value by value: ~9% of serve's main thread (postMessage in bench/webhook.js's
// profile), and as many objects for the collector. The event texts (three quarters of the bytes)
// stay out of the joined string: joining copied them once more (measured: 2.6 vs 3.3 µs per event
// for packing and posting, on this 2-core machine). Same idea as pipeline/parallel/messages.ts packFacts.
import type { SinkRecord } from '../../core/batch.js';

/** The events table's columns in the order of the insert's parameters; `event` last. */
export const EVENT_COLUMNS = [
  'audit_id', 'stage', 'ts', 'cluster', 'user', 'effective_user', 'actor_kind', 'verb', 'resource', 'subresource',
  'namespace', 'name', 'code', 'decision', 'source_ip', 'user_agent', 'request_uri', 'message', 'event',
] as const;
/** Columns packed into `text`: all but the event. */
const PACKED = EVENT_COLUMNS.length - 1;
const CODE = EVENT_COLUMNS.indexOf('code');

export interface PackedEventRows {
  text: string;
  /** PACKED per row; -1 for NULL. */
  lengths: Int32Array;
  /** Each row's audit event JSON. */
  events: string[];
}

export function packEventRows(records: readonly SinkRecord[]): PackedEventRows {
  const lengths = new Int32Array(records.length * PACKED);
  const events: string[] = new Array(records.length);
  const parts: string[] = [];
  let j = 0;
  const put = (v: string | null) => {
    if (v === null) lengths[j++] = -1;
    else {
      parts.push(v);
      lengths[j++] = v.length;
    }
  };
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    const f = rec.facts;
    put(f.auditID);
    put(f.stage);
    put(f.time);
    put(rec.cluster);
    put(f.user);
    put(f.effectiveUser);
    put(f.actorKind);
    put(f.verb);
    put(f.resource);
    put(f.subresource);
    put(f.namespace);
    put(f.name);
    put(f.code === null ? null : String(f.code));
    put(f.decision);
    put(f.sourceIP);
    put(f.userAgent);
    put(f.requestURI);
    put(f.message);
    events[i] = rec.eventJson();
  }
  return { text: parts.join(''), lengths, events };
}

export function packedRowCount(p: PackedEventRows): number {
  return p.events.length;
}

/**
 * Calls `each` with every row's values, in `row` (reused: copy it to keep it). Column texts are
 * slices of the one string; `code` is a number again.
 */
export function forEachEventRow(p: PackedEventRows, row: unknown[], each: (row: unknown[]) => void): void {
  const { text, lengths, events } = p;
  let at = 0;
  let j = 0;
  for (let r = 0; r < events.length; r++) {
    for (let k = 0; k < PACKED; k++) {
      const n = lengths[j++]!;
      if (n < 0) row[k] = null;
      else {
        const v = text.slice(at, (at += n));
        row[k] = k === CODE ? Number(v) : v;
      }
    }
    row[PACKED] = events[r];
    each(row);
  }
}
