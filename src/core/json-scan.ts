// A JSON validator that finds where values and object members are in a text without building
// anything: what lets decode carry a request/response body as raw text (never parsed) and lets the
// document cut a body's `metadata` member out of the original line. It accepts exactly what
// JSON.parse accepts (test/unit/core/json-scan.test.ts checks that against JSON.parse on generated
// and mutated texts), so a region it passes can be spliced into other JSON without ever making it
// invalid, and a region it rejects is left to JSON.parse to reject with its own reason.
//
// It reads bytes, not the string: a Uint8Array loop runs at ~1.5 GB/s where String#charCodeAt
// managed ~350 MB/s (bench on Node 20). Texts are copied with TextEncoder#encodeInto (~15 GB/s);
// texts that are not pure ASCII are not scanned at all (their byte offsets would not be string
// offsets) — callers fall back to JSON.parse / JSON.stringify, which is rare: Go's encoder writes
// non-ASCII only where the object itself has it.

const encoder = new TextEncoder();
/**
 * Scratch space, reused by every scan on this thread (one scan at a time: nothing here awaits or
 * re-enters). Grown on demand; the byte after the text is always 0, a sentinel no JSON token
 * accepts, so the loops below need no bounds checks.
 */
let scratch = new Uint8Array(64 * 1024);
/** Container kinds by depth while skipping a value: 1 object, 2 array. */
let kinds = new Uint8Array(1024);

export const INVALID = -1;
export const TOO_DEEP = -2;

/** Texts longer than this get a buffer of their own, not kept: one huge line must not pin its size for good. */
const SCRATCH_KEPT = 4 * 1024 * 1024;

/** The text's bytes (valid until the next call), or undefined when it is not pure ASCII. */
export function asciiBytes(text: string): Uint8Array | undefined {
  const n = text.length;
  let b = scratch;
  if (b.length <= n) {
    b = new Uint8Array(n < SCRATCH_KEPT ? Math.max(n + 1, b.length * 2) : n + 1);
    if (n < SCRATCH_KEPT) scratch = b;
  }
  const { read, written } = encoder.encodeInto(text, b);
  if (read !== n || written !== n) return undefined;
  b[n] = 0;
  return b;
}

/** JSON whitespace. */
export const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/** Index of the first non-whitespace byte at or after i. */
export function skipSpace(b: Uint8Array, i: number): number {
  let c = b[i]!;
  while (isSpace(c)) c = b[++i]!;
  return i;
}

/**
 * The end (exclusive) of the string whose opening quote is at i - 1, or INVALID: JSON's escapes
 * only, no raw control characters. Sets `escaped` when the string holds a backslash.
 */
function skipString(b: Uint8Array, i: number): number {
  for (;;) {
    // Most bytes of a string are plain: one table load each until a quote, backslash or control byte.
    while (PLAIN[b[i]!] === 1) i++;
    const c = b[i++]!;
    if (c === 34) return i;
    if (c === 92) {
      stringHadEscape = true;
      const e = b[i++]!;
      if (e === 117) {
        for (let k = 0; k < 4; k++) {
          const h = b[i++]! | 32;
          if (!((h >= 48 && h <= 57) || (h >= 97 && h <= 102))) return INVALID;
        }
      } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) return INVALID;
    } else if (c < 32) return INVALID;
  }
}
let stringHadEscape = false;
/** 1 for bytes that may stand for themselves inside a string: not `"`, `\\` or a control byte. */
const PLAIN = new Uint8Array(256).map((_, c) => (c >= 32 && c !== 34 && c !== 92 ? 1 : 0));

/** The end (exclusive) of the `true`, `false`, `null` or number at i, whose first byte is c; or INVALID. */
export function skipScalar(b: Uint8Array, i: number, c: number): number {
  if (c === 116 /* t */) return b[i + 1] === 114 && b[i + 2] === 117 && b[i + 3] === 101 ? i + 4 : INVALID;
  if (c === 102 /* f */) return b[i + 1] === 97 && b[i + 2] === 108 && b[i + 3] === 115 && b[i + 4] === 101 ? i + 5 : INVALID;
  if (c === 110 /* n */) return b[i + 1] === 117 && b[i + 2] === 108 && b[i + 3] === 108 ? i + 4 : INVALID;
  return skipNumber(b, i);
}

/** The end (exclusive) of the JSON number at i, or INVALID. */
export function skipNumber(b: Uint8Array, i: number): number {
  let c = b[i]!;
  if (c === 45) c = b[++i]!;
  if (c === 48) c = b[++i]!;
  else if (c >= 49 && c <= 57) {
    do c = b[++i]!;
    while (c >= 48 && c <= 57);
  } else return INVALID;
  if (c === 46) {
    c = b[++i]!;
    if (!(c >= 48 && c <= 57)) return INVALID;
    do c = b[++i]!;
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = b[++i]!;
    if (c === 43 || c === 45) c = b[++i]!;
    if (!(c >= 48 && c <= 57)) return INVALID;
    do c = b[++i]!;
    while (c >= 48 && c <= 57);
  }
  return i;
}

/**
 * The end (exclusive) of the one JSON value that starts at i (after optional whitespace): INVALID
 * when there is none, TOO_DEEP when it nests objects/arrays more than `maxDepth` deep (the value
 * itself, if a container, is depth 1). Iterative: hostile nesting cannot overflow the stack.
 */
export function skipValue(b: Uint8Array, i: number, maxDepth: number): number {
  if (kinds.length <= maxDepth + 1) kinds = new Uint8Array(maxDepth + 2);
  const k = kinds;
  let depth = 0;
  let c: number;
  for (;;) {
    // A value.
    c = b[i]!;
    if (isSpace(c)) c = b[(i = skipSpace(b, i))]!;
    if (c === 123 /* { */) {
      if (depth === maxDepth) return TOO_DEEP;
      k[++depth] = 1;
      i = skipSpace(b, i + 1);
      if (b[i] === 125 /* } */) {
        i++;
        depth--;
      } else {
        i = memberKey(b, i);
        if (i < 0) return INVALID;
        continue;
      }
    } else if (c === 91 /* [ */) {
      if (depth === maxDepth) return TOO_DEEP;
      k[++depth] = 2;
      i = skipSpace(b, i + 1);
      if (b[i] === 93 /* ] */) {
        i++;
        depth--;
      } else continue;
    } else if (c === 34) {
      i = skipString(b, i + 1);
      if (i < 0) return INVALID;
    } else {
      i = skipScalar(b, i, c);
      if (i < 0) return INVALID;
    }
    // After a value: close what ends here, then a separator.
    for (;;) {
      if (depth === 0) return i;
      c = b[i]!;
      if (isSpace(c)) c = b[(i = skipSpace(b, i))]!;
      if (c === 44 /* , */) {
        if (k[depth] === 1) {
          i = memberKey(b, skipSpace(b, i + 1));
          if (i < 0) return INVALID;
        } else i++;
        break;
      }
      if (c !== (k[depth] === 1 ? 125 : 93)) return INVALID;
      i++;
      depth--;
    }
  }
}

/** `"key" :` at i; the index after the colon, or INVALID. */
function memberKey(b: Uint8Array, i: number): number {
  if (b[i] !== 34) return INVALID;
  i = skipString(b, i + 1);
  if (i < 0) return INVALID;
  i = skipSpace(b, i);
  return b[i] === 58 /* : */ ? i + 1 : INVALID;
}

/**
 * The members of the object at i, each as five numbers in `out` from index 2: the key's first
 * and end byte inside its quotes, the value's first and end byte, and 1 when the key has escapes
 * (compare such keys only after JSON.parse). out[0] is the end of the object, out[1] the member
 * count. Returns the count; INVALID or TOO_DEEP as skipValue (member values are at depth 2 of
 * `maxDepth`); TOO_MANY when `out` cannot hold them all.
 */
export function objectMembers(b: Uint8Array, i: number, maxDepth: number, out: Int32Array): number {
  i = skipSpace(b, i);
  if (b[i] !== 123) return INVALID;
  i = skipSpace(b, i + 1);
  let n = 0;
  if (b[i] === 125) {
    out[0] = i + 1;
    out[1] = 0;
    return 0;
  }
  for (;;) {
    if (b[i] !== 34) return INVALID;
    const at = 2 + n * MEMBER_FIELDS;
    if (at + MEMBER_FIELDS > out.length) return TOO_MANY;
    stringHadEscape = false;
    const keyEnd = skipString(b, i + 1);
    if (keyEnd < 0) return INVALID;
    out[at] = i + 1;
    out[at + 1] = keyEnd - 1;
    out[at + 4] = stringHadEscape ? 1 : 0;
    i = skipSpace(b, keyEnd);
    if (b[i] !== 58) return INVALID;
    const valueStart = skipSpace(b, i + 1);
    const valueEnd = skipValue(b, valueStart, maxDepth - 1);
    if (valueEnd < 0) return valueEnd;
    out[at + 2] = valueStart;
    out[at + 3] = valueEnd;
    n++;
    i = skipSpace(b, valueEnd);
    const c = b[i];
    if (c === 44) {
      i = skipSpace(b, i + 1);
      continue;
    }
    if (c !== 125) return INVALID;
    out[0] = i + 1;
    out[1] = n;
    return n;
  }
}

export const TOO_MANY = -3;
export const MEMBER_FIELDS = 5;

/** Whether bytes [start, end) are exactly `key` (ASCII). */
export function bytesAre(b: Uint8Array, start: number, end: number, key: string): boolean {
  if (end - start !== key.length) return false;
  for (let j = 0; j < key.length; j++) if (b[start + j] !== key.charCodeAt(j)) return false;
  return true;
}

/** Whether b[from, to) is only JSON whitespace. */
export function onlySpace(b: Uint8Array, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (!isSpace(b[j]!)) return false;
  return true;
}
