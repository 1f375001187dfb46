// One pass over a request/response body's raw JSON that does what body-split needs of it: validates
// it as json-scan does (accepting exactly what JSON.parse accepts, nesting bounded), records where
// its top-level members are (to cut `metadata` out), and screens it for redaction
// (redaction-screen.ts) — two walks over the same 1–16 KB before (json-scan, then the keyword screen).
//
// Why the screen sees the same keywords as a scan of every byte would: no keyword contains a quote,
// and outside strings valid JSON holds only brackets, commas, colons, whitespace, numbers and
// true/false/null, which spell none of them; so every occurrence lies inside one string (key or
// value), and the automaton is run over each string's bytes, escapes included, from its start
// state. Each occurrence is confirmed by redaction-screen's own pattern checks once the body's end
// is known, exactly as the screen did over the whole body. `name` is judged by structure instead:
// an object with a `name` member holding a credential word and a non-empty `value` string (the env
// entries redaction empties), or a `name` with such a word anywhere inside a last-applied-configuration
// string, which redaction parses as JSON. `{name: DB_PASSWORD, valueFrom: {secretKeyRef: …}}` and
// managedFields keys like `k:{\"name\":\"DB_PASSWORD\"}` made the screen parse most pod and
// deployment bodies before (bench/.data request-response: 61% of body bytes were parsed, now 9%).
import { bytesAre, INVALID, isSpace, MEMBER_FIELDS, skipScalar, skipSpace, TOO_DEEP } from '../core/json-scan.js';
import { confirms, credentialWordIn, embeddedCredentialName, NAME, SCREEN } from './redaction-screen.js';

export { INVALID, TOO_DEEP };

/** What scanBody found out besides the end: read after each call. */
export const scanned = {
  /** Top-level members recorded in `members` (as json-scan's objectMembers), -1 when they did not all fit or the body is not an object. */
  members: 0,
  /** Whether redaction might change something in the body: it must then be parsed and redacted. */
  mayNeedRedaction: false,
};

const ARRAY = 2;
const OBJECT = 1;
/** Member flags by depth: the object has a `name` with a credential word / a non-empty `value` string. */
const CREDENTIAL_NAME = 1;
const STRING_VALUE = 2;
/**
 * A member key's class: what its value is checked for. A key with escapes is none of them: a \u
 * escape other than Go's \u003c \u003e \u0026 and a \/ are screen keywords (the body is flagged
 * anyway), and what the others decode to (quote, backslash, control characters, < > &) is in none
 * of these keys.
 */
const KEY_NAME = 1;
const KEY_VALUE = 2;
const KEY_LAST_APPLIED = 4;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

let kinds = new Uint8Array(1024);
let flags = new Uint8Array(1024);
/** Keyword occurrences (kind, index after it), confirmed once the body's end is known; grown as needed. */
let hits: Int32Array = new Int32Array(2 * 1024);
/** The scan's running state: keyword occurrences kept, and the key last scanned (inside its quotes). */
const st = { hitCount: 0, stringHadEscape: false, keyFrom: 0, keyTo: 0 };

/**
 * Scans the JSON value at b[i] (after optional whitespace; b as from json-scan's asciiBytes, with
 * its 0 sentinel): its end (exclusive), or INVALID / TOO_DEEP as json-scan's skipValue with the same
 * `maxDepth`. When it is an object, its members are written to `members` as json-scan's
 * objectMembers writes them, and `scanned` tells how many and whether redaction may need the body.
 */
export function scanBody(b: Uint8Array, i: number, maxDepth: number, members: Int32Array): number {
  if (kinds.length <= maxDepth + 1) {
    kinds = new Uint8Array(maxDepth + 2);
    flags = new Uint8Array(maxDepth + 2);
  }
  const k = kinds;
  const f = flags;
  st.hitCount = 0;
  const start = skipSpace(b, i);
  i = start;
  let redact = false;
  /** Top-level members recorded, while `members` has room. */
  let n = 0;
  let recording = b[i] === 123;
  /** The class of the last key (KEY_*): what the value that follows it is checked for. */
  let key = 0;
  let depth = 0;
  let c: number;
  for (;;) {
    // A value; at depth 1 of an object body, a member's.
    c = b[i]!;
    if (isSpace(c)) c = b[(i = skipSpace(b, i))]!;
    if (depth === 1 && recording && k[1] === OBJECT) members[2 + n * MEMBER_FIELDS + 2] = i;
    if (c === 123 /* { */) {
      if (depth === maxDepth) return TOO_DEEP;
      k[++depth] = OBJECT;
      f[depth] = 0;
      i = skipSpace(b, i + 1);
      if (b[i] === 125 /* } */) {
        i++;
        depth--;
      } else {
        i = memberKey(b, i);
        if (i < 0) return INVALID;
        key = keyClass(b);
        if (depth === 1 && recording) recording = recordKey(members, n);
        i = colon(b, i);
        if (i < 0) return INVALID;
        continue;
      }
    } else if (c === 91 /* [ */) {
      if (depth === maxDepth) return TOO_DEEP;
      k[++depth] = ARRAY;
      i = skipSpace(b, i + 1);
      if (b[i] === 93 /* ] */) {
        i++;
        depth--;
      } else continue;
    } else if (c === 34) {
      const from = i + 1;
      i = scanString(b, from);
      if (i < 0) return INVALID;
      // A string member of an object: what redaction's env-entry and last-applied rules look at.
      if (key !== 0 && depth > 0 && k[depth] === OBJECT && !redact) {
        const to = i - 1;
        if (key & KEY_NAME && credentialWordIn(b, from, to)) f[depth]! |= CREDENTIAL_NAME;
        if (key & KEY_VALUE && to > from) f[depth]! |= STRING_VALUE;
        if (f[depth] === (CREDENTIAL_NAME | STRING_VALUE)) redact = true;
        else if (key & KEY_LAST_APPLIED && embeddedCredentialName(b, from, to)) redact = true;
      }
    } else {
      i = skipScalar(b, i, c);
      if (i < 0) return INVALID;
    }
    // After a value: close containers until a comma leads to the next value.
    for (;;) {
      if (depth === 0) return finish(b, start, i, n, recording, redact, members);
      if (depth === 1 && recording && k[1] === OBJECT) {
        members[2 + n * MEMBER_FIELDS + 3] = i;
        n++;
      }
      c = b[i]!;
      if (isSpace(c)) c = b[(i = skipSpace(b, i))]!;
      if (c === 44 /* , */) {
        if (k[depth] === OBJECT) {
          i = memberKey(b, skipSpace(b, i + 1));
          if (i < 0) return INVALID;
          key = keyClass(b);
          if (depth === 1 && recording) recording = recordKey(members, n);
          i = colon(b, i);
          if (i < 0) return INVALID;
        } else i++;
        break;
      }
      if (c !== (k[depth] === OBJECT ? 125 : 93)) return INVALID;
      i++;
      depth--;
    }
  }
}

/** The screen's verdict once the end is known; sets `scanned`. */
function finish(b: Uint8Array, start: number, end: number, n: number, recording: boolean, redact: boolean, members: Int32Array): number {
  for (let h = 0; h < st.hitCount && !redact; h++) redact = confirms(hits[2 * h]!, b, hits[2 * h + 1]!, end);
  scanned.mayNeedRedaction = redact;
  scanned.members = b[start] === 123 && recording ? n : -1;
  if (members.length >= 2) {
    members[0] = end;
    members[1] = scanned.members;
  }
  return end;
}


/** `"key"` at i: the index after its closing quote, or INVALID. */
function memberKey(b: Uint8Array, i: number): number {
  if (b[i] !== 34) return INVALID;
  st.keyFrom = i + 1;
  st.stringHadEscape = false;
  const end = scanString(b, i + 1);
  st.keyTo = end - 1;
  return end;
}

/** The colon after a key at i (whitespace allowed): the index after it, or INVALID. */
function colon(b: Uint8Array, i: number): number {
  i = skipSpace(b, i);
  return b[i] === 58 ? i + 1 : INVALID;
}

function keyClass(b: Uint8Array): number {
  if (st.stringHadEscape) return 0;
  const len = st.keyTo - st.keyFrom;
  if (len === 4) return bytesAre(b, st.keyFrom, st.keyTo, 'name') ? KEY_NAME : 0;
  if (len === 5) return bytesAre(b, st.keyFrom, st.keyTo, 'value') ? KEY_VALUE : 0;
  if (len === LAST_APPLIED.length) return bytesAre(b, st.keyFrom, st.keyTo, LAST_APPLIED) ? KEY_LAST_APPLIED : 0;
  return 0;
}

/** Records the top-level key just scanned as member n; false when `members` has no room (then nothing more is recorded). */
function recordKey(members: Int32Array, n: number): boolean {
  const at = 2 + n * MEMBER_FIELDS;
  if (at + MEMBER_FIELDS > members.length) return false;
  members[at] = st.keyFrom;
  members[at + 1] = st.keyTo;
  members[at + 4] = st.stringHadEscape ? 1 : 0;
  return true;
}

/**
 * The screen's automaton, and a copy whose transitions on a quote, a backslash or a control byte
 * lead to BREAK instead: one table load and one comparison per ordinary byte of a string.
 */
const TABLE = SCREEN.table;
const FIRST_ACCEPTING = SCREEN.firstAccepting;
const ACTION = SCREEN.action;
const BREAK = 0xffff;
const FAST = TABLE.map((t, at) => {
  const c = at & 255;
  return c === 34 || c === 92 || c < 32 ? BREAK : t;
});
if (FIRST_ACCEPTING >= BREAK) throw new Error('body-scan: the screen has too many states');

/**
 * The end (exclusive) of the string whose opening quote is at i - 1, or INVALID (json-scan's rules:
 * JSON's escapes only, no raw control bytes). Every byte, escapes included, goes through the
 * screen's automaton; keyword occurrences are kept for confirmation.
 */
function scanString(b: Uint8Array, i: number): number {
  let s = 0;
  for (;;) {
    const c = b[i]!;
    const t = FAST[(s << 8) | c]!;
    if (t < FIRST_ACCEPTING) {
      s = t;
      i++;
      continue;
    }
    if (t !== BREAK) {
      hit(ACTION[t]!, i + 1);
      s = t;
      i++;
      continue;
    }
    if (c === 34) return i + 1;
    if (c !== 92) return INVALID; // a control byte (or the 0 after the text)
    s = TABLE[(s << 8) | c]!;
    if (s >= FIRST_ACCEPTING) hit(ACTION[s]!, i + 1);
    st.stringHadEscape = true;
    const e = b[i + 1]!;
    if (e === 117) {
      for (let q = 2; q < 6; q++) {
        const h = b[i + q]! | 32;
        if (!((h >= 48 && h <= 57) || (h >= 97 && h <= 102))) return INVALID;
      }
    } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) return INVALID;
    // The escaped byte goes through the automaton too, but never ends the string.
    s = TABLE[(s << 8) | e]!;
    if (s >= FIRST_ACCEPTING) hit(ACTION[s]!, i + 2);
    i += 2;
  }
}

function hit(kind: number, after: number): void {
  if (kind === NAME) return; // judged by structure
  if (2 * st.hitCount === hits.length) hits = grown(hits);
  hits[2 * st.hitCount] = kind;
  hits[2 * st.hitCount + 1] = after;
  st.hitCount++;
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Whether redaction might change something in the body at b[start, end) (pure ASCII, one valid JSON
 * value): the screen alone, for callers that have a validated body.
 */
export function mayNeedRedaction(b: Uint8Array, start: number, end: number): boolean {
  const scratch = new Int32Array(2);
  const got = scanBody(b, start, 1 << 16, scratch);
  if (got < 0 || got > end) return true;
  return scanned.mayNeedRedaction;
}
