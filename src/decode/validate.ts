import { AUDIT_STAGES, type AuditLevel } from '../core/audit-event.js';
import { isObject } from '../core/is-object.js';

const LEVELS = new Set<AuditLevel>(['None', 'Metadata', 'Request', 'RequestResponse']);
const STAGES = new Set<string>(AUDIT_STAGES);
const OBJECT_REF_STRINGS = ['resource', 'namespace', 'name', 'subresource', 'apiGroup', 'apiVersion'] as const;

/**
 * Checks the fields every rule and sink relies on. Returns the reason an object is not an audit event,
 * or undefined when it is one. Tolerant of what real clusters omit (level, userAgent, sourceIPs,
 * responseStatus on RequestReceived), strict on what makes an event meaningless.
 */
export function auditEventProblem(o: Record<string, unknown>): string | undefined {
  // Each field is read once; the common path is a string of typeof tests (measured: Date.parse and a
  // per-call array literal were most of this function's cost).
  const { auditID, verb, stage, user, objectRef, responseStatus, annotations, impersonatedUser, level } = o;
  if (typeof auditID !== 'string' || auditID === '') return 'auditID is missing or not a string';
  if (typeof verb !== 'string' || verb === '') return 'verb is missing or not a string';
  if (typeof stage !== 'string' || !STAGES.has(stage)) return `stage ${JSON.stringify(stage)} is not one of ${AUDIT_STAGES.join(', ')}`;
  if (!isObject(user)) return 'user is missing or not an object';
  if (user.username !== undefined && typeof user.username !== 'string') return 'user.username is not a string';
  if (user.groups !== undefined && !isStringArray(user.groups)) return 'user.groups is not an array of strings';
  if (impersonatedUser !== undefined && impersonatedUser !== null && !isObject(impersonatedUser)) return 'impersonatedUser is not an object';
  if (o.requestURI !== undefined && typeof o.requestURI !== 'string') return 'requestURI is not a string';
  if (level !== undefined && !LEVELS.has(level as AuditLevel)) return `level ${JSON.stringify(level)} is not one of None, Metadata, Request, RequestResponse`;
  if (objectRef !== undefined && objectRef !== null) {
    if (!isObject(objectRef)) return 'objectRef is not an object';
    for (const k of OBJECT_REF_STRINGS) {
      const v = objectRef[k];
      if (v !== undefined && typeof v !== 'string') return `objectRef.${k} is not a string`;
    }
  }
  if (responseStatus !== undefined && responseStatus !== null) {
    if (!isObject(responseStatus)) return 'responseStatus is not an object';
    if (responseStatus.code !== undefined && typeof responseStatus.code !== 'number') return 'responseStatus.code is not a number';
  }
  if (o.sourceIPs !== undefined && !isStringArray(o.sourceIPs)) return 'sourceIPs is not an array of strings';
  if (o.userAgent !== undefined && typeof o.userAgent !== 'string') return 'userAgent is not a string';
  if (annotations !== undefined && annotations !== null) {
    if (!isObject(annotations)) return 'annotations is not an object';
    for (const k in annotations) if (typeof annotations[k] !== 'string') return 'annotations values must be strings';
  }
  if (!isTimestamp(o.stageTimestamp)) return 'stageTimestamp is missing or not a timestamp';
  if (!isTimestamp(o.requestReceivedTimestamp)) return 'requestReceivedTimestamp is missing or not a timestamp';
  return undefined;
}

/**
 * What Date.parse accepts, without calling it for what the API server writes
 * ("2026-11-20T09:00:00.002600Z"): Date.parse costs more than the rest of the validation together.
 */
function isTimestamp(v: unknown): boolean {
  return typeof v === 'string' && (isPlainUtcTimestamp(v) || !Number.isNaN(Date.parse(v)));
}

/**
 * YYYY-MM-DDTHH:MM:SS[.fraction]Z with fields in range: a subset of what Date.parse accepts (V8
 * takes day 1–31 in any month and any number of fraction digits; test/unit/decode/validate.test.ts
 * checks every month and day against Date.parse).
 */
export function isPlainUtcTimestamp(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  // The digit positions, unrolled: no list to iterate at every call.
  if (!(isDigit(s.charCodeAt(0)) && isDigit(s.charCodeAt(1)) && isDigit(s.charCodeAt(2)) && isDigit(s.charCodeAt(3)) && isDigit(s.charCodeAt(5)) && isDigit(s.charCodeAt(6)) && isDigit(s.charCodeAt(8)))) return false;
  if (!(isDigit(s.charCodeAt(9)) && isDigit(s.charCodeAt(11)) && isDigit(s.charCodeAt(12)) && isDigit(s.charCodeAt(14)) && isDigit(s.charCodeAt(15)) && isDigit(s.charCodeAt(17)) && isDigit(s.charCodeAt(18)))) return false;
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1 || day > 31 || two(s, 11) > 23 || two(s, 14) > 59 || two(s, 17) > 59) return false;
  if (n === 20) return true;
  if (s.charCodeAt(19) !== 46 /* . */ || n === 21) return false;
  for (let i = 20; i < n - 1; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * Nesting deeper than any Kubernetes object needs (a deep CRD schema stays well under it) and than
 * Elasticsearch's parser accepts (1000). Unchecked, a 100k-deep requestObject passes JSON.parse and
 * then overflows the stack wherever something recurses over it (JSON.stringify of the document).
 */
export const MAX_NESTING = 512;

/**
 * Walks objects and arrays only, recursively with a budget, so it stops at `limit` levels (the stack
 * holds at most `limit` frames): ~10 nodes for a Metadata event.
 */
export function nestingProblem(root: unknown, limit = MAX_NESTING): string | undefined {
  return typeof root === 'object' && root !== null && deeperThan(root, limit) ? `not a valid audit event: objects nested deeper than ${limit} levels` : undefined;
}

/** Whether `text`, a JSON text, is too short to nest anything `limit` levels deep: each level costs two brackets. */
export function tooShortToNest(text: string, limit = MAX_NESTING): boolean {
  return text.length < 2 * (limit + 1);
}

/** Whether a container at depth `limit - budget` has one at depth ≥ limit inside (or is one). */
function deeperThan(v: object, budget: number): boolean {
  if (budget === 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null && deeperThan(x, budget - 1)) return true;
    }
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'object' && x !== null && deeperThan(x, budget - 1)) return true;
  }
  return false;
}

function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
}

/**
 * Fills what the API server may omit so downstream code can rely on it. Mutates in place; returns
 * whether anything changed (then the original text no longer represents the event).
 */
export function completeAuditEvent(o: Record<string, unknown>): boolean {
  let changed = false;
  if (o.level === undefined) {
    o.level = 'Metadata';
    changed = true;
  }
  if (o.requestURI === undefined) {
    o.requestURI = '';
    changed = true;
  }
  for (const k of ['objectRef', 'impersonatedUser', 'responseStatus', 'annotations'] as const) {
    if (o[k] === null) {
      delete o[k];
      changed = true;
    }
  }
  return changed;
}

