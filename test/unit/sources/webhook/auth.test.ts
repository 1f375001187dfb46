import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, parseTokenFile } from '../../../../src/sources/webhook/auth.js';

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization }, socket: {} }) as unknown as IncomingMessage;
const TOKEN_A = 'a'.repeat(40);
const TOKEN_B = 'b'.repeat(40);

describe('webhook token file', () => {
  it('reads TOKEN and TOKEN,CLUSTER lines, skipping blanks and comments', () => {
    const r = parseTokenFile(`# tokens\n${TOKEN_A}\n\n${TOKEN_B},prod-eu-1\n`);
    expect(r.problems).toEqual([]);
    expect(r.tokens.map((t) => t.cluster)).toEqual([undefined, 'prod-eu-1']);
  });

  it('reports a bad line by number without echoing the token', () => {
    const r = parseTokenFile('short-secret\n');
    expect(r.problems).toEqual([expect.stringMatching(/^line 1: expected TOKEN/)]);
    expect(r.problems.join()).not.toContain('short-secret');
  });

  it('never prints a token', () => {
    const [t] = parseTokenFile(TOKEN_A).tokens;
    expect(String(t!.token)).toBe('[redacted]');
    expect(JSON.stringify(t)).not.toContain(TOKEN_A);
    expect(inspect(t)).not.toContain(TOKEN_A);
  });
});

describe('webhook authentication', () => {
  const auth = createAuthenticator({ requireClientCert: false, clientClusters: new Map(), tokens: parseTokenFile(`${TOKEN_A}\n${TOKEN_B},prod-eu-1`).tokens });

  it('accepts a configured bearer token and reports the cluster it speaks for', () => {
    expect(auth(req(`Bearer ${TOKEN_A}`))).toEqual({ ok: true, principal: 'token' });
    expect(auth(req(`Bearer ${TOKEN_B}`))).toEqual({ ok: true, cluster: 'prod-eu-1', principal: 'token' });
  });

  it.each([
    ['no header', undefined, /no bearer token/],
    ['basic auth', 'Basic Zm9vOmJhcg==', /not a bearer token/],
    ['a wrong token', `Bearer ${'c'.repeat(40)}`, /not accepted/],
    ['a prefix of a good token', `Bearer ${TOKEN_A.slice(0, 20)}`, /not accepted/],
  ])('refuses %s with 401', (_n, header, reason) => {
    const r = auth(req(header));
    expect(r).toMatchObject({ ok: false, status: 401 });
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('lets anyone in when no method is configured', () => {
    expect(createAuthenticator({ requireClientCert: false, clientClusters: new Map(), tokens: [] })(req())).toEqual({ ok: true, principal: 'anonymous' });
  });
});
