// How much garbage V8 may keep. After each full collection V8 lets the old generation grow to up to
// 4× what survived when collecting is cheap next to the work, as it is here: a scan keeps ~40 MB live
// but its heap reached ~240 MB before each collection (--trace-gc, 2 GB input: 347 MB peak RSS); a
// follow run's heap swung the same way. A growing factor of 2 keeps the heap near twice what is live.
// It is not a cap: the limit follows what is live, so large work (a report over a big store, a big
// webhook body) still gets the memory it needs.
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

/** Flags the user set themselves (node's command line or NODE_OPTIONS) leave the heap to them. */
const USER_HEAP_FLAG = /^--(?:heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size|max[-_]heap[-_]size)(?:=|$)/;

/** The V8 flags to set for this process: none when the user sized the heap. */
export function heapFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return given.some((a) => USER_HEAP_FLAG.test(a)) ? [] : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`];
}

/** Applies heapFlags() to this process (worker threads started later share V8's flags). */
export function tuneHeap(): void {
  for (const f of heapFlags(process.execArgv, process.env.NODE_OPTIONS)) setFlagsFromString(f);
}

/**
 * Back to V8's own factor, for runs with pool threads (V8's flags are per process): there the pool
 * threads build every document and the main thread takes them in, and with a factor of 2 a 1 GB
 * `scan --out --workers 2` took 38 s instead of 17 s (2 cores, bench/). Leaves the user's flags alone.
 */
export function untuneHeap(): void {
  if (heapFlags(process.execArgv, process.env.NODE_OPTIONS).length) setFlagsFromString('--heap-growing-percent=0');
}
