// The words that make a name or a string look like a credential: one list for redaction
// (enrich/redact.ts builds its patterns from it) and for decode's redaction screen
// (decode/redaction-screen.ts builds its keyword automaton from it), which must flag every body
// redaction could change — two copies of a list drift apart, and a word added to one but not the
// other would let a secret through unredacted.

/**
 * Words in a key or an env entry's name that mark its value as a credential (`DB_PASSWORD`,
 * `API_TOKEN`, `client-key`), matched anywhere in the name, any case.
 */
export const CREDENTIAL_NAME_WORDS: readonly string[] = [
  'pass',
  'secret',
  'token',
  'credential',
  'auth',
  ...['api', 'access', 'private', 'client'].flatMap((w) => [`${w}key`, `${w}_key`, `${w}-key`]),
];

/** `password` and its spellings: `password=…` / `passwd: …` in a string makes the whole string a credential. */
export const PASSWORD_WORDS: readonly string[] = ['password', 'passwd', 'passphrase'];

/** kubeconfig keys whose value is a credential (`token: …` at the start of a line). */
export const KUBECONFIG_CREDENTIAL_KEYS: readonly string[] = ['token', 'id-token', 'refresh-token', 'access-token', 'client-secret', 'password'];

/** Authorization schemes followed by a credential (`Bearer …`, `Basic …`). */
export const CREDENTIAL_SCHEMES: readonly string[] = ['bearer', 'basic'];

/** A regular-expression alternation of literal words. */
export function alternation(words: readonly string[]): string {
  return words.map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
}
