// Secrets must never leave this process in the clear: not into the store, the index, an alert or a log.
// RequestResponse-level events carry whole objects, so we replace values before anything else sees
// the event. Redacted here:
//   - Secret data / stringData (in requests, responses and lists), and the copy kubectl keeps in the
//     kubectl.kubernetes.io/last-applied-configuration annotation (of any kind of object);
//   - TokenRequest status.token (serviceaccounts/token) and TokenReview spec.token;
//   - ConfigMap values under credential-like keys;
//   - in every string of a request or response body (and of Request-level audit annotations, where
//     admission webhooks put their patches): kubeconfig-like blobs, PEM private keys and
//     `password: …` / `password=…` settings (the whole string), bearer tokens, basic-auth
//     credentials and `Authorization:` header values, passwords in URLs (`scheme://user:…@host`);
//   - container env values whose name looks like a credential (`DB_PASSWORD`, `API_TOKEN`);
//   - access_token / token query parameters and bearer/basic credentials in requestURI (exec commands);
//   - the same, as far as text allows, in rejected input kept in dead-letter stores (redactRejectedText).
// Keys are kept, so rules can still see *that* a secret or credential was there.
// Cost: an event without bodies pays two substring tests on its requestURI. The credential words are
// core/credential-words.ts's, shared with decode's redaction screen, which must flag what this changes.
import type { AuditEvent } from '../core/audit-event.js';
import { alternation, CREDENTIAL_NAME_WORDS, CREDENTIAL_SCHEMES, KUBECONFIG_CREDENTIAL_KEYS, PASSWORD_WORDS } from '../core/credential-words.js';
import { isObject } from '../core/is-object.js';

export const REDACTED = '[redacted]';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const CREDENTIAL_KEY = new RegExp(`(${alternation(CREDENTIAL_NAME_WORDS)})`, 'i');
/** A value that is a credential as a whole: a kubeconfig with credentials, a private key, a password setting. */
const SENSITIVE_VALUE = new RegExp(
  `-----BEGIN [A-Z ]*PRIVATE KEY-----|client-key-data:|(^|\\n)\\s*(${alternation(KUBECONFIG_CREDENTIAL_KEYS)}):\\s*\\S|"auths"\\s*:|aws_secret_access_key|(^|[\\s.;,_-])(${alternation(PASSWORD_WORDS)})\\s*[=:]\\s*[^\\s=:]`,
  'i',
);
/** Credentials inside a longer string: bearer tokens, basic auth, Authorization headers, URL passwords. */
const INLINE_CREDENTIAL = new RegExp(
  `\\beyJ[\\w-]{5,}\\.eyJ[\\w-]{5,}\\.[\\w-]*|\\b(?:${alternation(CREDENTIAL_SCHEMES)})\\s+[\\w\\-.~+/]{8,}=*|authorization["']?\\s*[:=]\\s*["']?[^\\s"',}]+|\\b[a-z][a-z0-9+.-]*:\\/\\/[^\\s/:@"']+:[^\\s/@"']+@`,
  'i',
);
/** A JSON Web Token (service account tokens, OIDC id tokens), with or without a Bearer in front. */
const JWT = /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g;
const BEARER = /\b(bearer\s+)[\w\-.~+/]{8,}=*/gi;
const BASIC = /\b(basic\s+)([A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])/gi;
const AUTH_HEADER = /(authorization["']?\s*[:=]\s*["']?)(?!(?:bearer|basic)\s)[^\s"',}]+/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:)[^\s/@"']+@/gi;
const TOKEN_IN_URI = /([?&](?:access_token|token)=)[^&]*/gi;
const CREDENTIAL_IN_URI = /((?:bearer|basic)(?:\+|%20)+)[\w\-.~%+/]{8,}/gi;


export interface RedactOptions {
  /** Also redact every ConfigMap value, not only credential-looking ones. */
  allConfigMapValues?: boolean;
}

/** Redacts in place; returns whether anything was replaced. Cheap for events with no bodies. */
export function redactEvent(e: AuditEvent, options: RedactOptions = {}): boolean {
  let changed = false;
  const uri = e.requestURI;
  if (uri.includes('token=') || uri.includes('command=')) {
    const clean = uri.replace(TOKEN_IN_URI, `$1${REDACTED}`).replace(CREDENTIAL_IN_URI, `$1${REDACTED}`);
    changed = clean !== uri;
    e.requestURI = clean;
  }
  // Admission webhooks' patches are annotated at Request level and above.
  if (e.level !== 'Metadata' && e.level !== 'None' && isObject(e.annotations)) changed = scrubAnnotations(e.annotations, options) || changed;
  if (e.requestObject === undefined && e.responseObject === undefined) return changed;
  const resource = e.objectRef?.resource;
  const sub = e.objectRef?.subresource;
  for (const key of ['requestObject', 'responseObject'] as const) {
    const body = e[key];
    if (!isObject(body)) continue;
    if (resource === 'serviceaccounts' && sub === 'token') changed = redactPath(body, ['status', 'token']) || changed;
    if (resource === 'tokenreviews') changed = redactPath(body, ['spec', 'token']) || changed;
    changed = redactObject(body, resource, options) || changed;
    changed = scrubStrings(body, options) || changed;
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

/**
 * Every string under `root` (iteratively: decode bounds the depth, not the breadth): whole-value
 * credentials become REDACTED, inline ones are cut out, env entries named like credentials lose
 * their value, and a last-applied-configuration copy of any object gets the same treatment.
 */
function scrubStrings(root: Record<string, unknown> | unknown[], options: RedactOptions): boolean {
  let changed = false;
  const stack: (Record<string, unknown> | unknown[])[] = [root];
  while (stack.length) {
    const o = stack.pop()!;
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') {
          const clean = scrubString(v);
          if (clean !== v) {
            o[i] = clean;
            changed = true;
          }
        } else if (typeof v === 'object' && v !== null) stack.push(v as Record<string, unknown>);
      }
      continue;
    }
    // {name: DB_PASSWORD, value: "…"}: a container env entry (or anything shaped like one).
    if (typeof o.name === 'string' && typeof o.value === 'string' && o.value !== REDACTED && o.value !== '' && CREDENTIAL_KEY.test(o.name)) {
      o.value = REDACTED;
      changed = true;
    }
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') {
        const clean = k === LAST_APPLIED ? scrubLastApplied(v, options) : scrubString(v);
        if (clean !== v) {
          o[k] = clean;
          changed = true;
        }
      } else if (typeof v === 'object' && v !== null) stack.push(v as Record<string, unknown>);
    }
  }
  return changed;
}

/**
 * Annotation values redaction left unchanged, remembered: a cluster's annotations repeat (the
 * authorization decision and RBAC reason on every Request-level event), and each costs two regular
 * expressions otherwise. Only values that hold no credential are ever kept here.
 */
const cleanAnnotations = new Set<string>();
const CLEAN_ANNOTATIONS_KEPT = 4096;

/** scrubStrings of an event's annotations: the same result, with the values found clean remembered. */
function scrubAnnotations(a: Record<string, unknown>, options: RedactOptions): boolean {
  const keys = Object.keys(a);
  for (const k of keys) if (typeof a[k] !== 'string') return scrubStrings(a, options);
  if (typeof a.name === 'string' && typeof a.value === 'string') return scrubStrings(a, options);
  let changed = false;
  for (const k of keys) {
    const v = a[k] as string;
    if (k === LAST_APPLIED) {
      const clean = scrubLastApplied(v, options);
      if (clean !== v) {
        a[k] = clean;
        changed = true;
      }
      continue;
    }
    if (v.length < 8 || cleanAnnotations.has(v)) continue;
    const clean = scrubString(v);
    if (clean !== v) {
      a[k] = clean;
      changed = true;
    } else {
      if (cleanAnnotations.size >= CLEAN_ANNOTATIONS_KEPT) cleanAnnotations.clear();
      cleanAnnotations.add(v);
    }
  }
  return changed;
}

function scrubString(s: string): string {
  if (s.length < 8 || s === REDACTED) return s;
  if (SENSITIVE_VALUE.test(s)) return REDACTED;
  if (!INLINE_CREDENTIAL.test(s)) return s;
  return s.replace(JWT, REDACTED).replace(BEARER, `$1${REDACTED}`).replace(BASIC, (m, p: string, b64: string) => (looksLikeBasicCredential(b64) ? `${p}${REDACTED}` : m)).replace(AUTH_HEADER, `$1${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** "Basic dXNlcjpwYXNz" is a credential; "Basic authentication" is prose. */
function looksLikeBasicCredential(b64: string): boolean {
  if (b64.length % 4 !== 0 && !b64.endsWith('=')) return /\d/.test(b64);
  return Buffer.from(b64, 'base64').toString('latin1').includes(':') || /\d|\+|\//.test(b64);
}

function scrubLastApplied(text: string, options: RedactOptions): string {
  let applied: unknown;
  try {
    applied = JSON.parse(text);
  } catch {
    return scrubString(text);
  }
  if (!isObject(applied)) return scrubString(text);
  const changed = redactObject(applied, undefined, options) || scrubStrings(applied, options);
  return changed ? JSON.stringify(applied) : text;
}

/**
 * Rejected input is kept (dead-letter file, store) for diagnosis, so it gets the same redaction: as
 * JSON when it still parses (an event that failed validation, a bare Secret), as text otherwise
 * (cut or broken JSON): Secret-like data maps, credential-named JSON values, private keys, bearer
 * and basic credentials, URL passwords.
 */
export function redactRejectedText(text: string, options: RedactOptions = {}): string {
  if (text.length < 8) return text;
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null) {
        let changed = false;
        for (const o of Array.isArray(value) ? value : [value]) {
          if (!isObject(o)) continue;
          if (typeof o.requestURI === 'string') {
            const uri = o.requestURI.replace(TOKEN_IN_URI, `$1${REDACTED}`).replace(CREDENTIAL_IN_URI, `$1${REDACTED}`);
            if (uri !== o.requestURI) {
              o.requestURI = uri;
              changed = true;
            }
          }
          const objectRef = isObject(o.objectRef) ? o.objectRef : {};
          for (const key of ['requestObject', 'responseObject'] as const) {
            const body = o[key];
            if (!isObject(body)) continue;
            if (objectRef.resource === 'serviceaccounts' && objectRef.subresource === 'token') changed = redactPath(body, ['status', 'token']) || changed;
            if (objectRef.resource === 'tokenreviews') changed = redactPath(body, ['spec', 'token']) || changed;
            changed = redactObject(body, typeof objectRef.resource === 'string' ? objectRef.resource : undefined, options) || changed;
          }
          changed = redactObject(o, undefined, options) || changed;
        }
        changed = scrubStrings(value as Record<string, unknown>, options) || changed;
        return changed ? JSON.stringify(value) : text;
      }
    } catch {
      /* not JSON (or cut): fall through to the text patterns */
    }
  }
  return scrubText(text);
}

const DATA_MAP = /((\\*)"(?:data|stringData|binaryData)\\*"\s*:\s*)\{[^{}]*(?:\}|$)/g;
const CREDENTIAL_JSON_VALUE = /((\\*)"[^"\\]*(?:token|pass(?:word|wd|phrase)?|secret|credential|api[_-]?key|private[_-]?key|client[_-]?key)[^"\\]*\\*"\s*:\s*)\\*"(?:[^"\\]|\\(?!"))*(?:\\*"|$)/gi;
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

function scrubText(text: string): string {
  return text
    .replace(PEM_KEY, REDACTED)
    .replace(DATA_MAP, (_m, prefix: string, slashes: string) => `${prefix}${slashes}"${REDACTED}${slashes}"`)
    .replace(CREDENTIAL_JSON_VALUE, (_m, prefix: string, slashes: string) => `${prefix}${slashes}"${REDACTED}${slashes}"`)
    .replace(TOKEN_IN_URI, `$1${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(BASIC, (m, p: string, b64: string) => (looksLikeBasicCredential(b64) ? `${p}${REDACTED}` : m))
    .replace(URL_PASSWORD, `$1${REDACTED}@`);
}
