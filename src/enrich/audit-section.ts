// kubernetes.audit, the event as Elastic's integration stores it: annotation keys de-dotted
// (`authorization.k8s.io/decision` → `authorization_k8s_io/decision`) and each body's top-level
// `metadata` dropped (to keep the mapping bounded). As text it is spliced from the event's original
// line whenever that is exactly right — re-serialising a 3–10 KB RequestResponse event was the
// largest cost of the document (bench/) — and re-serialised otherwise:
//   - bodies: decode recorded where each body is in the line and where its metadata member is
//     (decode/raw-body.ts, validated by core/json-scan.ts), so cutting it out cannot break the JSON;
//   - annotations: kube-apiserver writes them last; the tail `"annotations":{…}}` is checked to be the
//     top-level member (its object ends right before the line's last brace) and its keys rewritten.
// Anything else — a body without spans, keys with escapes, a line not in that shape — is stringified.
import type { AuditEvent } from '../core/audit-event.js';
import { asciiBytes, MEMBER_FIELDS, objectMembers, onlySpace } from '../core/json-scan.js';
import { bodySpanOf, RawJson, textWithoutMetadata, type BodySpan } from '../decode/raw-body.js';
import { flaggedBefore } from '../decode/redaction-screen.js';

const BODY_KEYS = ['requestObject', 'responseObject'] as const;

/** kubernetes.audit as text, and what splicing it found out about the line. */
export interface AuditText {
  text: string;
  /**
   * The line has no lone surrogate and no backslash in any top-level member but the bodies and the
   * annotations: each string of the event there (user, verb, objectRef, sourceIPs, timestamps…) is
   * written in JSON as it is, needing no escape (a `"`, `\` or control character in a string is
   * written with a backslash). False when not spliced.
   */
  plainMembers: boolean;
}

/** kubernetes.audit as text: spliced from `raw` (the event's original line) when it can be. */
export function auditSectionText(e: AuditEvent, raw: string | undefined): AuditText {
  return (raw !== undefined && splicedAudit(e, raw)) || { text: stringifiedAudit(e), plainMembers: false };
}

/** kubernetes.audit as an object (tests and consumers that want one; sinks use the text). */
export function auditSection(e: AuditEvent): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...e };
  if (e.annotations) copy.annotations = dedot(e.annotations);
  for (const key of BODY_KEYS) {
    const v = e[key];
    if (v instanceof RawJson) copy[key] = JSON.parse(textWithoutMetadata(RawJson.span(v))) as unknown;
    else if (hasMetadata(v)) copy[key] = withoutMetadata(v);
  }
  return copy;
}

function splicedAudit(e: AuditEvent, raw: string): AuditText | undefined {
  let text = '';
  let from = 0;
  // Checked for backslashes so far: the line up to here, but the bodies (-1: not plain, or not known).
  let plainFrom = 0;
  for (const key of BODY_KEYS) {
    const v = e[key];
    if (v === undefined) continue;
    let span: BodySpan | undefined;
    if (v instanceof RawJson) span = RawJson.span(v);
    else if (hasMetadata(v)) span = bodySpanOf(e, key);
    else {
      if (plainFrom >= 0) plainFrom = afterBody(raw, plainFrom, bodySpanOf(e, key));
      continue; // nothing to cut
    }
    if (span === undefined || span.line !== raw) return undefined;
    if (plainFrom >= 0) plainFrom = afterBody(raw, plainFrom, span);
    if (span.cutStart < 0) {
      if (v instanceof RawJson) continue;
      return undefined; // the parsed body has metadata its span knows nothing of: do not guess
    }
    if (span.cutStart < from) return undefined;
    text += raw.slice(from, span.cutStart);
    from = span.cutEnd;
  }
  if (e.annotations === undefined) {
    if (!raw.endsWith('}')) return undefined;
    return { text: text + raw.slice(from), plainMembers: plainFrom >= 0 && noBackslash(raw, plainFrom, raw.length) && wellFormed(raw) };
  }
  const p = raw.lastIndexOf('"annotations":');
  if (p <= from || (raw.charCodeAt(p - 1) !== 44 /* , */ && raw.charCodeAt(p - 1) !== 123) /* { */) return undefined;
  const tail = dedottedTail(raw.slice(p));
  if (tail === undefined) return undefined;
  // The tail is the annotations object closing the line: every other member is before p.
  return { text: text + raw.slice(from, p) + tail, plainMembers: plainFrom >= 0 && plainFrom <= p && noBackslash(raw, plainFrom, p) && wellFormed(raw) };
}

/**
 * The end of the body at `span` when raw[from, its start) has no backslash (the members before it
 * are plain so far), else -1: a backslash, a body whose place in this line is not known, or one
 * before the last.
 */
function afterBody(raw: string, from: number, span: BodySpan | undefined): number {
  if (span === undefined || span.line !== raw || span.start < from) return -1;
  return noBackslash(raw, from, span.start) ? span.end : -1;
}

/**
 * No lone surrogate (JSON.stringify escapes those; a line read as UTF-8 never has one, a string made
 * in code may). String#isWellFormed (ES2024, Node 20) answers at once for a one-byte string.
 */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Whether raw[from, to) has no backslash. */
function noBackslash(raw: string, from: number, to: number): boolean {
  const i = raw.indexOf('\\', from);
  return i < 0 || i >= to;
}

/** Rewritten tails by their text: a cluster's annotations repeat (decision + RBAC reason). */
const tails = new Map<string, string | null>();
const TAILS_KEPT = 4096;
const members = new Int32Array(2 + MEMBER_FIELDS * 64);
const ANNOTATIONS = '"annotations":'.length;

/**
 * `"annotations":{…}}` (the line's last member and closing brace) with the keys de-dotted, or
 * undefined when the tail is not exactly that: not an object of strings, escaped or colliding keys,
 * anything after the object but the line's own closing brace.
 */
function dedottedTail(tail: string): string | undefined {
  let out = tails.get(tail);
  if (out === undefined) {
    out = rewriteTail(tail) ?? null;
    if (tails.size >= TAILS_KEPT) tails.clear();
    tails.set(tail, out);
  }
  return out ?? undefined;
}

function rewriteTail(tail: string): string | undefined {
  const b = asciiBytes(tail);
  if (b === undefined) return undefined;
  const n = objectMembers(b, ANNOTATIONS, 2, members);
  if (n < 0) return undefined;
  const end = members[0]!;
  if (b[tail.length - 1] !== 125 || !onlySpace(b, end, tail.length - 1)) return undefined;
  const seen = new Set<string>();
  let s = '"annotations":{';
  for (let i = 0; i < n; i++) {
    const at = 2 + i * MEMBER_FIELDS;
    const valueStart = members[at + 2]!;
    if (members[at + 4] === 1 || b[valueStart] !== 34) return undefined;
    const key = dedotKey(tail.slice(members[at]!, members[at + 1]!));
    if (seen.has(key)) return undefined;
    seen.add(key);
    s += `${i ? ',' : ''}"${key}":${tail.slice(valueStart, members[at + 3]!)}`;
  }
  return `${s}}}`;
}

/**
 * JSON.stringify of the section, with carried bodies (RawJson) written as their text: members in
 * the event's own order, as JSON.stringify would.
 */
function stringifiedAudit(e: AuditEvent): string {
  if (!(e.requestObject instanceof RawJson) && !(e.responseObject instanceof RawJson)) return JSON.stringify(auditSection(e));
  let s = '{';
  for (const k in e) {
    const v = e[k];
    const text = v instanceof RawJson ? carriedText(v) : JSON.stringify(k === 'annotations' ? dedot(v as Record<string, string>) : (k === 'requestObject' || k === 'responseObject') && hasMetadata(v) ? withoutMetadata(v) : v);
    if (text === undefined) continue;
    s += `${s.length > 1 ? ',' : ''}${JSON.stringify(k)}:${text}`;
  }
  return `${s}}`;
}

/**
 * A carried body as the re-serialised section writes it: its text, or as JSON.stringify writes it
 * where decode parsed such a body before (decode/redaction-screen.ts flaggedBefore): documents stay
 * byte for byte what they were. Decode carries bodies of ASCII lines only.
 */
function carriedText(v: RawJson): string {
  const span = RawJson.span(v);
  const text = textWithoutMetadata(span);
  const b = asciiBytes(span.line);
  return b === undefined || flaggedBefore(b, span.start, span.end) ? JSON.stringify(JSON.parse(text)) : text;
}

const dedottedKeys = new Map<string, string>();

function dedotKey(k: string): string {
  let d = dedottedKeys.get(k);
  if (d === undefined) {
    d = k.replaceAll('.', '_');
    if (dedottedKeys.size < 10_000) dedottedKeys.set(k, d);
  }
  return d;
}

/** Annotation keys with `.` → `_`, as Elastic stores them; the few distinct keys are memoised. */
export function dedot(annotations: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in annotations) out[dedotKey(k)] = annotations[k]!;
  return out;
}

function hasMetadata(o: unknown): o is Record<string, unknown> {
  return typeof o === 'object' && o !== null && !(o instanceof RawJson) && 'metadata' in o;
}

function withoutMetadata(o: Record<string, unknown>): Record<string, unknown> {
  const { metadata: _dropped, ...rest } = o;
  return rest;
}
