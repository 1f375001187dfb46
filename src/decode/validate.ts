import { AUDIT_STAGES, type AuditLevel } from '../core/audit-event.js';
import { isObject } from '../core/is-object.js';

const LEVELS = new Set<AuditLevel>(['None', 'Metadata', 'Request', 'RequestResponse']);
const STAGES = new Set<string>(AUDIT_STAGES);


/**
 * Checks the fields every rule and sink relies on. Returns the reason an object is not an audit event,
 * or undefined when it is one. Tolerant of what real clusters omit (level, userAgent, sourceIPs,
 * responseStatus on RequestReceived), strict on what makes an event meaningless.
 */
export function auditEventProblem(o: Record<string, unknown>): string | undefined {
  if (typeof o.auditID !== 'string' || o.auditID === '') return 'auditID is missing or not a string';
  if (typeof o.verb !== 'string' || o.verb === '') return 'verb is missing or not a string';
  if (typeof o.stage !== 'string' || !STAGES.has(o.stage)) return `stage ${JSON.stringify(o.stage)} is not one of ${AUDIT_STAGES.join(', ')}`;
  if (!isObject(o.user)) return 'user is missing or not an object';
  if (o.user.username !== undefined && typeof o.user.username !== 'string') return 'user.username is not a string';
  if (o.user.groups !== undefined && !isStringArray(o.user.groups)) return 'user.groups is not an array of strings';
  if (o.impersonatedUser !== undefined && o.impersonatedUser !== null && !isObject(o.impersonatedUser)) return 'impersonatedUser is not an object';
  if (o.requestURI !== undefined && typeof o.requestURI !== 'string') return 'requestURI is not a string';
  if (o.level !== undefined && !LEVELS.has(o.level as AuditLevel)) return `level ${JSON.stringify(o.level)} is not one of None, Metadata, Request, RequestResponse`;
  if (o.objectRef !== undefined && o.objectRef !== null) {
    if (!isObject(o.objectRef)) return 'objectRef is not an object';
    for (const k of ['resource', 'namespace', 'name', 'subresource', 'apiGroup', 'apiVersion'] as const) {
      const v = o.objectRef[k];
      if (v !== undefined && typeof v !== 'string') return `objectRef.${k} is not a string`;
    }
  }
  if (o.responseStatus !== undefined && o.responseStatus !== null) {
    if (!isObject(o.responseStatus)) return 'responseStatus is not an object';
    if (o.responseStatus.code !== undefined && typeof o.responseStatus.code !== 'number') return 'responseStatus.code is not a number';
  }
  if (o.sourceIPs !== undefined && !isStringArray(o.sourceIPs)) return 'sourceIPs is not an array of strings';
  if (o.userAgent !== undefined && typeof o.userAgent !== 'string') return 'userAgent is not a string';
  if (o.annotations !== undefined && o.annotations !== null) {
    if (!isObject(o.annotations)) return 'annotations is not an object';
    for (const v of Object.values(o.annotations)) if (typeof v !== 'string') return 'annotations values must be strings';
  }
  if (typeof o.stageTimestamp !== 'string' || Number.isNaN(Date.parse(o.stageTimestamp))) return 'stageTimestamp is missing or not a timestamp';
  if (typeof o.requestReceivedTimestamp !== 'string' || Number.isNaN(Date.parse(o.requestReceivedTimestamp))) return 'requestReceivedTimestamp is missing or not a timestamp';
  return undefined;
}

/**
 * Nesting deeper than any Kubernetes object needs (a deep CRD schema stays well under it) and than
 * Elasticsearch's parser accepts (1000). Unchecked, a 100k-deep requestObject passes JSON.parse and
 * then overflows the stack wherever something recurses over it (JSON.stringify of the document).
 */
export const MAX_NESTING = 512;

/** Iterative (cannot overflow itself) and visits only objects and arrays: ~10 nodes for a Metadata event. */
export function nestingProblem(root: unknown, limit = MAX_NESTING): string | undefined {
  const stack: unknown[] = [root];
  const depths: number[] = [0];
  while (stack.length) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d >= limit) return `not a valid audit event: objects nested deeper than ${limit} levels`;
    const children = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    for (const x of children) {
      if (typeof x === 'object' && x !== null) {
        stack.push(x);
        depths.push(d + 1);
      }
    }
  }
  return undefined;
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

