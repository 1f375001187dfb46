// Events' facts (batch.ts EventFacts) and cluster as one string and the length of each (-1 for
// null), for crossing threads: millions of short strings cost more to clone one by one than to join
// and slice. Worker threads send them to the pool (pipeline/parallel), the pipeline sends them to the
// store's writer thread (sinks/sqlite/packed-rows.ts).
import type { EventFacts } from './batch.js';

export const FACT_KEYS = [
  'auditID', 'stage', 'time', 'user', 'effectiveUser', 'actorKind', 'verb', 'resource', 'subresource', 'namespace', 'name',
  'code', 'decision', 'sourceIP', 'userAgent', 'requestURI', 'message',
] as const satisfies readonly (keyof EventFacts)[];
/** Each event's facts in FACT_KEYS order, then its cluster. */
export const STRIDE = FACT_KEYS.length + 1;
/** `code` is a number again when read. */
export const CODE = FACT_KEYS.indexOf('code');

export interface PackedFacts {
  text: string;
  lengths: Int32Array;
}

export function packFacts(events: readonly { facts: EventFacts; cluster: string }[]): PackedFacts {
  const lengths = new Int32Array(events.length * STRIDE);
  const parts: string[] = [];
  let j = 0;
  const put = (v: string | null): void => {
    if (v === null) lengths[j++] = -1;
    else {
      parts.push(v);
      lengths[j++] = v.length;
    }
  };
  // Field by field in FACT_KEYS order (test/unit/pipeline/pool.test.ts compares every fact): reading
  // f[k] over a key list cost a keyed lookup per fact.
  for (const e of events) {
    const f = e.facts;
    put(f.auditID);
    put(f.stage);
    put(f.time);
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
    put(e.cluster);
  }
  return { text: parts.join(''), lengths };
}

/**
 * Calls `each` with every event's values in FACT_KEYS order then its cluster, in `row` (reused: copy
 * it to keep it; slots past STRIDE are the caller's). Texts are slices of the one string.
 */
export function forEachPacked(p: PackedFacts, row: unknown[], each: (row: unknown[], index: number) => void): void {
  const { text, lengths } = p;
  let at = 0;
  let j = 0;
  for (let r = 0, count = lengths.length / STRIDE; r < count; r++) {
    for (let k = 0; k < STRIDE; k++) {
      const n = lengths[j++]!;
      if (n < 0) row[k] = null;
      else {
        const v = text.slice(at, (at += n));
        row[k] = k === CODE ? Number(v) : v;
      }
    }
    each(row, r);
  }
}
