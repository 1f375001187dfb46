import { describe, expect, it } from 'vitest';
import { alternation, CREDENTIAL_NAME_WORDS, KUBECONFIG_CREDENTIAL_KEYS } from '../../../src/core/credential-words.js';

describe('the credential word lists', () => {
  it('make alternations that match each word literally, and nothing else', () => {
    const re = new RegExp(`^(?:${alternation(KUBECONFIG_CREDENTIAL_KEYS)})$`);
    for (const w of KUBECONFIG_CREDENTIAL_KEYS) expect(re.test(w)).toBe(true);
    expect(re.test('idXtoken')).toBe(false);
    expect(new RegExp(`^(?:${alternation(['a.b', 'c+'])})$`).test('aXb')).toBe(false);
  });

  it('name every spelling of a key-like credential redaction has always recognised', () => {
    for (const w of ['api', 'access', 'private', 'client']) for (const sep of ['', '_', '-']) expect(CREDENTIAL_NAME_WORDS).toContain(`${w}${sep}key`);
    expect(CREDENTIAL_NAME_WORDS).toEqual(expect.arrayContaining(['pass', 'secret', 'token', 'credential', 'auth']));
  });
});
