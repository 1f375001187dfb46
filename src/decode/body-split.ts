// Decodes a log line with request/response bodies without parsing them as part of the line:
//
//   {…,"objectRef":{…},"responseStatus":{…},"requestObject":{BODY},"responseObject":{BODY},…}
//
// Each body is found by its key, validated, measured (its top-level members, to know where its
// `metadata` is) and screened for redaction in one pass (body-scan.ts), and replaced by a
// placeholder; the rest — ~1 KB of the 3–10 KB — is JSON.parse'd. Then, per body: parsed on its own when a rule may read it (`needs`) or redaction may
// change it (redaction-screen.ts); otherwise carried as its text (RawJson) into the document, never
// parsed. Either way decode records where the body and its metadata are in the line
// (raw-body.ts), so the document is spliced from the line instead of re-serialised.
//
// Why a cut can never be wrong: the placeholders are strings no ASCII line can spell without a
// \ud800/\ud801 escape (a line with one outside its bodies is not split), so when JSON.parse of the cut line gives the
// top-level requestObject exactly its placeholder, the cut was the event's own top-level member —
// not a key of that name inside user.extra or inside the other body — and, as the region json-scan
// accepted is one complete JSON value, the line with it put back is valid JSON that parses to the
// same event. Anything unexpected (non-ASCII, a body that is not valid JSON or nests too deep, a
// placeholder that did not land) returns undefined: the caller JSON.parses the whole line as before,
// with the same acceptance and the same rejection reasons.
import { scanBody, scanned } from './body-scan.js';
import { asciiBytes, bytesAre, MEMBER_FIELDS, skipSpace } from '../core/json-scan.js';
import { RawJson, setBodySpans, type BodySpan, type BodySpans } from './raw-body.js';
import { redactionReadsResource } from './redaction-screen.js';
import { MAX_NESTING, nestingProblem, tooShortToNest } from './validate.js';

/**
 * Which bodies of an event must be parsed, from what is known before they are (decode's `bodies`
 * option; detect/body-needs.ts computes it from the enabled rules). A bit set of REQUEST_BODY and
 * RESPONSE_BODY. Pure: the same arguments always give the same answer.
 */
export type BodyNeeds = (verb: string, resource: string, subresource: string, apiGroup: string, stage: string) => number;
export const REQUEST_BODY = 1;
export const RESPONSE_BODY = 2;
export const BOTH_BODIES = REQUEST_BODY | RESPONSE_BODY;

const KEYS = ['requestObject', 'responseObject'] as const;
const MARKS = ['"requestObject":', '"responseObject":'] as const;
const PLACEHOLDER_TEXT = ['"\\ud800"', '"\\ud801"'] as const;
const PLACEHOLDER = ['\ud800', '\ud801'] as const;
const BITS = [REQUEST_BODY, RESPONSE_BODY] as const;
const BODY_INDEXES = [0, 1] as const;
/** Room for 64 top-level members: a body with more is validated, but its metadata is not located (it is then parsed). */
const members = new Int32Array(2 + MEMBER_FIELDS * 64);

interface Cut {
  start: number;
  end: number;
  cutStart: number;
  cutEnd: number;
  /** Where the metadata member is was not found out (too many members, escaped keys, twice). */
  unknownMetadata: boolean;
  /** The redaction screen's verdict (body-scan.ts): redaction might change something in it. */
  mayNeedRedaction: boolean;
}

/** The event of `line` with its bodies placed as described above, or undefined to JSON.parse the line instead. */
export function decodeSplit(line: string, needs: BodyNeeds): Record<string, unknown> | undefined {
  // Only Request and RequestResponse events have bodies. The level is the third member the API
  // server writes: finding it costs ~0.08 µs, searching a Metadata line for a body key ~0.45 µs.
  const level = line.indexOf('"level":"');
  if (level < 0 || line.charCodeAt(level + 9) !== 82 /* R */) return undefined;
  const req = line.indexOf(MARKS[0]);
  // Where the response body is is found after the request body's end (below), not here.
  if (req < 0 && line.indexOf(MARKS[1]) < 0) return undefined;
  const b = asciiBytes(line);
  if (b === undefined) return undefined;
  if (spellsPlaceholder(line)) return undefined;

  const cuts: (Cut | undefined)[] = [undefined, undefined];
  let from = 0;
  for (const k of BODY_INDEXES) {
    const at = k === 0 ? req : line.indexOf(MARKS[1], from);
    if (at < 0) continue;
    const start = skipSpace(b, at + MARKS[k].length);
    const c = b[start];
    if (c !== 123 /* { */ && c !== 91 /* [ */) continue; // null or a scalar: nothing to gain
    const cut = measure(b, start);
    if (cut === undefined) return undefined;
    cuts[k] = cut;
    from = cut.end;
  }
  if (!cuts[0] && !cuts[1]) return undefined;

  let text = '';
  let last = 0;
  for (const k of BODY_INDEXES) {
    const cut = cuts[k];
    if (!cut) continue;
    text += line.slice(last, cut.start) + PLACEHOLDER_TEXT[k];
    last = cut.end;
  }
  text += line.slice(last);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  for (const k of BODY_INDEXES) if (cuts[k] && event[KEYS[k]] !== PLACEHOLDER[k]) return undefined;
  // The bodies' depth was bounded by json-scan; what is left must be too, or the caller rejects it.
  if (!tooShortToNest(text) && nestingProblem(event) !== undefined) return undefined;

  const parse = needed(event, needs);
  let spans: BodySpans | undefined;
  for (const k of BODY_INDEXES) {
    const cut = cuts[k];
    if (!cut) continue;
    const span: BodySpan = { line, start: cut.start, end: cut.end, cutStart: cut.cutStart, cutEnd: cut.cutEnd };
    if ((parse & BITS[k]) === 0 && !cut.unknownMetadata && !cut.mayNeedRedaction) {
      event[KEYS[k]] = new RawJson(span);
      continue;
    }
    try {
      event[KEYS[k]] = JSON.parse(line.slice(cut.start, cut.end)) as unknown;
    } catch {
      return undefined; // json-scan and JSON.parse disagree: impossible by its tests, and harmless
    }
    if (!cut.unknownMetadata) (spans ??= {})[KEYS[k]] = span;
  }
  if (spans) setBodySpans(event, spans);
  return event;
}

/**
 * Whether line[from, to) has a \ud800 or \ud801 escape (any case), which could spell a placeholder:
 * only the text left after the cuts matters (the bodies are not in what is parsed), ~1 KB of 3–10.
 */
function spellsPlaceholder(line: string): boolean {
  for (let i = line.indexOf('\\u'); i >= 0; i = line.indexOf('\\u', i + 2)) {
    const d = line.charCodeAt(i + 2) | 32;
    if (d === 100 /* d */ && line.charCodeAt(i + 3) === 56 /* 8 */ && line.charCodeAt(i + 4) === 48 /* 0 */) {
      const last = line.charCodeAt(i + 5);
      if (last === 48 || last === 49) return true;
    }
  }
  return false;
}

/** The bodies `needs` asks for, and both when redaction reads this resource's bodies or the fields are not what validation will accept. */
function needed(e: Record<string, unknown>, needs: BodyNeeds): number {
  const { verb, stage, objectRef } = e;
  if (typeof verb !== 'string' || typeof stage !== 'string') return BOTH_BODIES;
  let resource = '';
  let subresource = '';
  let apiGroup = '';
  if (objectRef !== undefined && objectRef !== null) {
    if (typeof objectRef !== 'object') return BOTH_BODIES;
    const r = objectRef as Record<string, unknown>;
    if (r.resource !== undefined) resource = r.resource as string;
    if (r.subresource !== undefined) subresource = r.subresource as string;
    if (r.apiGroup !== undefined) apiGroup = r.apiGroup as string;
    if (typeof resource !== 'string' || typeof subresource !== 'string' || typeof apiGroup !== 'string') return BOTH_BODIES;
  }
  if (redactionReadsResource(resource, subresource)) return BOTH_BODIES;
  return needs(verb, resource, subresource, apiGroup, stage);
}

/**
 * Validates the body at `start`, finds its metadata member and screens it for redaction, in one
 * pass (body-scan.ts); undefined when it is not one valid, shallow enough JSON value.
 */
function measure(b: Uint8Array, start: number): Cut | undefined {
  // The body is at depth 1 of the event; nestingProblem allows depths below MAX_NESTING.
  const end = scanBody(b, start, MAX_NESTING - 1, members);
  if (end < 0) return undefined;
  const n = scanned.members;
  const cut: Cut = { start, end, cutStart: -1, cutEnd: -1, unknownMetadata: b[start] === 123 && n < 0, mayNeedRedaction: scanned.mayNeedRedaction };
  if (n <= 0) return cut;
  let meta = -1;
  for (let i = 0; i < n; i++) {
    const at = 2 + i * MEMBER_FIELDS;
    if (members[at + 4] === 1) cut.unknownMetadata = true; // an escaped key might spell "metadata"
    else if (bytesAre(b, members[at]!, members[at + 1]!, 'metadata')) {
      if (meta >= 0) cut.unknownMetadata = true;
      meta = i;
    }
  }
  if (meta < 0 || cut.unknownMetadata) return cut;
  const at = 2 + meta * MEMBER_FIELDS;
  if (n === 1) {
    cut.cutStart = members[at]! - 1; // from its key's quote…
    cut.cutEnd = members[at + 3]!; // …to its value's end: `{ }` is left
  } else if (meta < n - 1) {
    cut.cutStart = members[at]! - 1;
    cut.cutEnd = members[at + MEMBER_FIELDS]! - 1; // up to the next key's quote: its comma goes too
  } else {
    cut.cutStart = members[at - MEMBER_FIELDS + 3]!; // from the previous value's end: the comma before goes too
    cut.cutEnd = members[at + 3]!;
  }
  return cut;
}
