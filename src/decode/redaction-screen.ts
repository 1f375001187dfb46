// Whether redaction (src/enrich/redact.ts) might replace anything in a request/response body, judged
// from the body's raw JSON text without parsing it. A body decode carries as text (RawJson) is never
// seen by redaction, so this must answer "maybe" for every body redaction could change: it may say
// "maybe" too often (the body is then parsed and redacted as before), never too rarely.
// test/unit/decode/redaction-screen.test.ts holds it to redactEvent on generated and real bodies;
// change the two together.
//
// What redaction replaces in a body, and the text that must then be in the body's raw JSON:
//   - anything in secrets, configmaps, serviceaccounts/token, tokenreviews bodies → by resource;
//   - an object of kind Secret or ConfigMap (also as a list item) → `"kind":"Secret"`;
//   - {name: <credential-like>, value} env entries → an object of the body with a `name` member
//     whose value has the word and a non-empty `value` string (body-scan.ts checks the structure),
//     or a `"name"` with such a value anywhere in a last-applied copy (below);
//   - strings holding a private key, kubeconfig credentials, `password=…`, a JWT, bearer/basic
//     credentials, an Authorization header, a URL with a password → the same characters;
//   - all of that again inside the kubectl last-applied-configuration annotation, which redaction
//     parses: a JSON text inside a JSON string, where quotes read `\"` and whitespace `\n`.
// So the screen looks for keywords (keyword-dfa.ts, run over each string of the body while
// body-scan.ts validates it) and checks the few bytes after each as redaction's pattern would,
// accepting any number of backslashes before a quote or an escaped whitespace letter:
// `https://host` or `rbac.authorization.k8s.io` do not count, `https://u:p@host` does, at any depth
// of embedding. A decoded string equals its raw text but at escapes; a \u escape could spell any
// letter, so any other than Go's HTML-safe \u003c \u003e \u0026 counts, as does \/.
import { CREDENTIAL_NAME_WORDS, CREDENTIAL_SCHEMES, KUBECONFIG_CREDENTIAL_KEYS, PASSWORD_WORDS } from '../core/credential-words.js';
import { keywordDfa } from './keyword-dfa.js';

/** Resources whose bodies redaction always reads: their bodies are always parsed. */
export function redactionReadsResource(resource: string, subresource: string): boolean {
  return resource === 'secrets' || resource === 'configmaps' || resource === 'tokenreviews' || (resource === 'serviceaccounts' && subresource === 'token');
}

const FLAG = 1;
const PASS = 2;
const JWT = 3;
const CREDENTIAL = 4;
const HEADER = 5;
const URL = 6;
export const NAME = 7;
const KIND = 8;
const ESCAPE = 9;
/** The screen's keywords, run over every string of a body by body-scan.ts. */
export const SCREEN = keywordDfa([
  ['private key-----', FLAG],
  ['client-key-data:', FLAG],
  // `token:` also ends id-token:, refresh-token:, access-token:; `password:` is PASS's.
  ...KUBECONFIG_CREDENTIAL_KEYS.filter((k) => !k.endsWith('-token') && !PASSWORD_WORDS.includes(k)).map((k) => [`${k}:`, FLAG] as const),
  ['auths', FLAG],
  ['aws_secret_access_key', FLAG],
  ['\\/', FLAG],
  ['\\u', ESCAPE],
  ...PASSWORD_WORDS.map((w) => [w, PASS] as const),
  ['eyj', JWT],
  ...CREDENTIAL_SCHEMES.map((w) => [w, CREDENTIAL] as const),
  ['authorization', HEADER],
  ['://', URL],
  ['name', NAME],
  ['kind', KIND],
]);
/** Credential words in an env entry's name (redact.ts CREDENTIAL_KEY). */
const NAME_WORDS = keywordDfa(CREDENTIAL_NAME_WORDS.map((w) => [w, FLAG] as const));

/**
 * The screen as it was before body-scan.ts (up to 2026-11): every byte of b[start, end), and any
 * `name` with a credential word in its value counted, whatever object it was in. A body it flagged
 * was parsed, so where kubernetes.audit is re-serialised rather than spliced (audit-section.ts) it
 * was written as JSON.stringify writes it; a carried body it flags is still written so, and no
 * document changed when the screen learnt to read env entries by structure.
 */
export function flaggedBefore(b: Uint8Array, start: number, end: number): boolean {
  const { table, firstAccepting, action } = SCREEN;
  let s = 0;
  for (let i = start; i < end; i++) {
    s = table[(s << 8) | b[i]!]!;
    if (s < firstAccepting) continue;
    const kind = action[s]!;
    if (kind === NAME ? nameHasCredentialWord(b, i + 1, end) : confirms(kind, b, i + 1, end)) return true;
  }
  return false;
}

/** A `name` key with a credential word in its value, at any depth of escaping, in b[from, to). */
export function embeddedCredentialName(b: Uint8Array, from: number, to: number): boolean {
  const { table, firstAccepting, action } = SCREEN;
  let s = 0;
  for (let i = from; i < to; i++) {
    s = table[(s << 8) | b[i]!]!;
    if (s >= firstAccepting && action[s] === NAME && nameHasCredentialWord(b, i + 1, to)) return true;
  }
  return false;
}

/** A credential word in the raw string b[from, to); a \u escape other than Go's HTML-safe ones could spell one. */
export function credentialWordIn(b: Uint8Array, from: number, to: number): boolean {
  const { table, firstAccepting } = NAME_WORDS;
  let s = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    // \u003c \u003e \u0026 spell no word letter; other \u escapes are the ESCAPE keyword's anyway.
    if (c === 92 && b[i + 1] === 117 && confirms(ESCAPE, b, i + 2, to)) return true;
    s = table[(s << 8) | c]!;
    if (s >= firstAccepting) return true;
  }
  return false;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
/** Whitespace at i, raw or escaped at any depth (\n, \\n, …); its length, or 0. */
function spaceAt(b: Uint8Array, i: number): number {
  if (isSpace(b[i]!)) return 1;
  let j = i;
  while (b[j] === 92) j++;
  if (j === i) return 0;
  const e = b[j]!;
  return e === 110 || e === 114 || e === 116 || e === 102 ? j + 1 - i : 0;
}
function skipSpaces(b: Uint8Array, i: number): number {
  for (let n; (n = spaceAt(b, i)) > 0; ) i += n;
  return i;
}
/** A quote at i, raw or escaped at any depth: the index after it, or -1. */
function quoteAt(b: Uint8Array, i: number): number {
  while (b[i] === 92) i++;
  return b[i] === 34 ? i + 1 : -1;
}
const isWordByte = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
const isCredentialByte = (c: number) => isWordByte(c) || c === 46 || c === 126 || c === 43 || c === 47;
const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1);
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
function wordAt(b: Uint8Array, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (lower(b[i + k]!) !== word.charCodeAt(k)) return false;
  return true;
}

/** After a keyword ending before i: does the rest of redaction's pattern follow? */
export function confirms(kind: number, b: Uint8Array, i: number, end: number): boolean {
  switch (kind) {
    case FLAG:
      return true;
    case PASS: {
      // pass(word|wd|phrase)\s*[=:]
      i = skipSpaces(b, i);
      return i < end && (b[i] === 61 || b[i] === 58);
    }
    case JWT: {
      // eyJ[\w-]{5,}\.eyJ
      let n = 0;
      while (i < end && isWordByte(b[i]!)) {
        i++;
        n++;
      }
      return n >= 5 && b[i] === 46 && wordAt(b, i + 1, 'eyj');
    }
    case CREDENTIAL: {
      // (bearer|basic)\s+[\w\-.~+/]{8}
      const from = i;
      i = skipSpaces(b, i);
      if (i === from) return false;
      for (let k = 0; k < 8; k++) if (i + k >= end || !isCredentialByte(b[i + k]!)) return false;
      return true;
    }
    case HEADER: {
      // authorization["']?\s*[:=]
      if (b[i] === 39) i++;
      else if (quoteAt(b, i) > 0) i = quoteAt(b, i);
      i = skipSpaces(b, i);
      return i < end && (b[i] === 58 || b[i] === 61);
    }
    case URL: {
      // ://[^\s/:@"']+:[^\s/@"']+@
      const user = i;
      while (i < end && !isSpace(b[i]!) && b[i] !== 47 && b[i] !== 58 && b[i] !== 64 && b[i] !== 34 && b[i] !== 39) i++;
      if (i === user || b[i] !== 58) return false;
      const password = ++i;
      while (i < end && !isSpace(b[i]!) && b[i] !== 47 && b[i] !== 64 && b[i] !== 34 && b[i] !== 39) i++;
      return i > password && b[i] === 64;
    }
    case NAME:
      return nameHasCredentialWord(b, i, end);
    case KIND: {
      // "kind": "Secret" | "ConfigMap"
      i = quoteAt(b, i);
      if (i < 0) return false;
      i = skipSpaces(b, i);
      if (b[i] !== 58) return false;
      i = quoteAt(b, skipSpaces(b, i + 1));
      if (i < 0) return false;
      const word = wordAt(b, i, 'secret') ? 6 : wordAt(b, i, 'configmap') ? 9 : 0;
      return word > 0 && quoteAt(b, i + word) > 0;
    }
    case ESCAPE: {
      // \uXXXX other than Go's \u003c \u003e \u0026
      const h0 = hex(b[i]!);
      const h1 = hex(b[i + 1]!);
      const h2 = hex(b[i + 2]!);
      const h3 = hex(b[i + 3]!);
      if (h0 < 0 || h1 < 0 || h2 < 0 || h3 < 0) return true;
      const v = (h0 << 12) | (h1 << 8) | (h2 << 4) | h3;
      return v !== 0x3c && v !== 0x3e && v !== 0x26;
    }
    default:
      return true;
  }
}

/**
 * `name` just ended before i: when it is a key (`name": "…"` at any depth of escaping), whether its
 * value holds a credential word. The value ends at a quote with as many backslashes before it as
 * its opening quote had; a quote with more is part of the value.
 */
function nameHasCredentialWord(b: Uint8Array, i: number, end: number): boolean {
  i = quoteAt(b, i);
  if (i < 0) return false;
  i = skipSpaces(b, i);
  if (b[i] !== 58) return false;
  i = skipSpaces(b, i + 1);
  let depth = 0;
  while (b[i + depth] === 92) depth++;
  if (b[i + depth] !== 34) return false;
  i += depth + 1;
  const { table, firstAccepting } = NAME_WORDS;
  let s = 0;
  let slashes = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 34 && slashes === depth) return false;
    slashes = c === 92 ? slashes + 1 : 0;
    s = table[(s << 8) | c]!;
    if (s >= firstAccepting) return true;
  }
  return false;
}
