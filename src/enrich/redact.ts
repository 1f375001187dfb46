// Secrets must never leave this process in the clear: not into the store, the index, an alert or a log.
// RequestResponse-level events carry whole objects, so we replace values before anything else sees
// the event. Redacted here:
//   - Secret data / stringData (in requests, responses and lists), and the copy kubectl keeps in the
//     kubectl.kubernetes.io/last-applied-configuration annotation;
//   - TokenRequest status.token (serviceaccounts/token) and TokenReview spec.token;
//   - ConfigMap values under credential-like keys, kubeconfig-like blobs and PEM private keys;
//   - access_token / token query parameters in requestURI.
// Keys are kept, so rules can still see *that* a secret or credential was there.
import type { AuditEvent } from '../core/audit-event.js';

export const REDACTED = '[redacted]';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const CREDENTIAL_KEY = /(pass(word|phrase|wd)?|secret|token|credential|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?key|auth)/i;
const SENSITIVE_VALUE = /-----BEGIN [A-Z ]*PRIVATE KEY-----|client-key-data:|(^|\n)\s*token:\s*\S|"auths"\s*:|aws_secret_access_key/;
const TOKEN_IN_URI = /([?&](?:access_token|token)=)[^&]*/gi;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RedactOptions {
  /** Also redact every ConfigMap value, not only credential-looking ones. */
  allConfigMapValues?: boolean;
}

/** Redacts in place; returns whether anything was replaced. Cheap for events with no bodies. */
export function redactEvent(e: AuditEvent, options: RedactOptions = {}): boolean {
  let changed = false;
  if (e.requestURI.includes('token=')) {
    const uri = e.requestURI.replace(TOKEN_IN_URI, `$1${REDACTED}`);
    changed = uri !== e.requestURI;
    e.requestURI = uri;
  }
  if (e.requestObject === undefined && e.responseObject === undefined) return changed;
  const resource = e.objectRef?.resource;
  const sub = e.objectRef?.subresource;
  for (const key of ['requestObject', 'responseObject'] as const) {
    const body = e[key];
    if (!isObject(body)) continue;
    if (resource === 'serviceaccounts' && sub === 'token') changed = redactPath(body, ['status', 'token']) || changed;
    if (resource === 'tokenreviews') changed = redactPath(body, ['spec', 'token']) || changed;
    changed = redactObject(body, resource, options) || changed;
  }
  return changed;
}

/** A Secret, ConfigMap, or a list / patch body of them. */
function redactObject(o: Record<string, unknown>, resource: string | undefined, options: RedactOptions): boolean {
  let changed = false;
  if (Array.isArray(o.items)) for (const item of o.items) if (isObject(item)) changed = redactObject(item, resource, options) || changed;
  const kind = o.kind ?? (resource === 'secrets' ? 'Secret' : resource === 'configmaps' ? 'ConfigMap' : undefined);
  if (kind === 'Secret') {
    changed = redactValues(o.data, () => true) || changed;
    changed = redactValues(o.stringData, () => true) || changed;
    changed = redactLastApplied(o, () => true) || changed;
  } else if (kind === 'ConfigMap') {
    const sensitive = options.allConfigMapValues ? () => true : isSensitiveEntry;
    changed = redactValues(o.data, sensitive) || changed;
    changed = redactValues(o.binaryData, sensitive) || changed;
    changed = redactLastApplied(o, sensitive) || changed;
  }
  return changed;
}

function isSensitiveEntry(key: string, value: unknown): boolean {
  return CREDENTIAL_KEY.test(key) || (typeof value === 'string' && SENSITIVE_VALUE.test(value));
}

function redactValues(map: unknown, sensitive: (key: string, value: unknown) => boolean): boolean {
  if (!isObject(map)) return false;
  let changed = false;
  for (const k of Object.keys(map)) {
    if (map[k] !== REDACTED && sensitive(k, map[k])) {
      map[k] = REDACTED;
      changed = true;
    }
  }
  return changed;
}

function redactLastApplied(o: Record<string, unknown>, sensitive: (key: string, value: unknown) => boolean): boolean {
  const meta = o.metadata;
  if (!isObject(meta) || !isObject(meta.annotations)) return false;
  const text = meta.annotations[LAST_APPLIED];
  if (typeof text !== 'string') return false;
  try {
    const applied = JSON.parse(text) as unknown;
    if (!isObject(applied)) throw new Error('not an object');
    const changed = redactValues(applied.data, sensitive) || redactValues(applied.stringData, sensitive) || redactValues(applied.binaryData, sensitive);
    if (changed) meta.annotations[LAST_APPLIED] = JSON.stringify(applied);
    return changed;
  } catch {
    // Unparseable: it may still hold the secret, so it goes entirely.
    meta.annotations[LAST_APPLIED] = REDACTED;
    return true;
  }
}

function redactPath(o: Record<string, unknown>, path: [string, string]): boolean {
  const parent = o[path[0]];
  if (!isObject(parent) || parent[path[1]] === undefined) return false;
  parent[path[1]] = REDACTED;
  return true;
}
