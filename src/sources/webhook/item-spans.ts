// Where each item of a webhook body is, found without parsing it:
//
//   {"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{…},{…},…]}   or   [{…},{…},…]
//
// Each item then travels as its own text (decode parses it and keeps it as the event's raw JSON),
// so the store gets the item's original text instead of JSON.stringify of the parsed event — that
// re-serialisation was ~9% of serve's main thread (bench/webhook.js profile). json-scan accepts
// exactly what JSON.parse accepts, so a body this passes is valid JSON with exactly these items;
// anything else — not that shape, an item that is not an object, a key with escapes, a duplicate
// `kind` or `items`, nesting past MAX_ITEM_DEPTH, invalid JSON — returns undefined and the caller
// parses the body whole as before, with the same verdicts and reasons.
import { INVALID, skipSpace, skipValue, TOO_DEEP } from '../../core/json-scan.js';

/** Nesting the scan follows inside an item; deeper items go the JSON.parse way (decode bounds nesting at 512). */
const MAX_ITEM_DEPTH = 600;
const KIND = Buffer.from('kind');
const ITEMS = Buffer.from('items');
const EVENT_LIST = Buffer.from('"EventList"');

/**
 * The items' [start, end) byte offsets, two numbers per item, or undefined (see above). `bytes`
 * holds the body in [0, size) and a 0 at `size`: json-scan's sentinel.
 */
export function itemSpans(bytes: Uint8Array, size: number): Int32Array | undefined {
  if (bytes[size] !== 0) throw new Error('itemSpans needs a 0 byte after the body');
  const spans: number[] = [];
  let i = skipSpace(bytes, 0);
  if (bytes[i] === 91 /* [ */) i = itemsArray(bytes, i, spans);
  else if (bytes[i] === 123 /* { */) i = eventList(bytes, i, spans);
  else return undefined;
  if (i < 0 || skipSpace(bytes, i) !== size || spans.length === 0) return undefined;
  return Int32Array.from(spans);
}

/** The members of an EventList; the index after its `}`, or -1 when it is not a plain EventList. */
function eventList(b: Uint8Array, i: number, spans: number[]): number {
  let kind = false;
  let items = false;
  i = skipSpace(b, i + 1);
  if (b[i] === 125 /* } */) return -1;
  for (;;) {
    if (b[i] !== 34 /* " */) return -1;
    const keyEnd = skipValue(b, i, 1);
    if (keyEnd < 0) return -1;
    const key = b.subarray(i + 1, keyEnd - 1);
    if (key.includes(92 /* \ */)) return -1; // an escaped key may spell "items" or "kind"
    i = skipSpace(b, keyEnd);
    if (b[i] !== 58 /* : */) return -1;
    i = skipSpace(b, i + 1);
    if (bytesEqual(key, ITEMS)) {
      if (items || b[i] !== 91) return -1;
      items = true;
      i = itemsArray(b, i, spans);
    } else {
      const start = i;
      i = skipValue(b, i, MAX_ITEM_DEPTH);
      if (bytesEqual(key, KIND)) {
        if (kind || i < 0 || !bytesEqual(b.subarray(start, i), EVENT_LIST)) return -1;
        kind = true;
      }
    }
    if (i < 0) return -1;
    i = skipSpace(b, i);
    if (b[i] === 44 /* , */) i = skipSpace(b, i + 1);
    else if (b[i] === 125) return kind && items ? i + 1 : -1;
    else return -1;
  }
}

/** The array at i, each element an object; the index after its `]`, or -1. */
function itemsArray(b: Uint8Array, i: number, spans: number[]): number {
  i = skipSpace(b, i + 1);
  if (b[i] === 93 /* ] */) return i + 1;
  for (;;) {
    if (b[i] !== 123) return -1;
    const end = skipValue(b, i, MAX_ITEM_DEPTH);
    if (end === INVALID || end === TOO_DEEP) return -1;
    spans.push(i, end);
    i = skipSpace(b, end);
    if (b[i] === 44) i = skipSpace(b, i + 1);
    else if (b[i] === 93) return i + 1;
    else return -1;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
