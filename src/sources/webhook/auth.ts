// Who is calling: a client certificate verified against the configured CA, and/or a bearer token.
// Every configured method must pass. The credential may name the cluster it speaks for (certificate
// subject CN or token mapped to a cluster); then the URL may not claim another one.
// Tokens are compared as SHA-256 digests with timingSafeEqual against every configured token, so
// neither the length nor the position of a mismatch, nor which token matched, shows in the timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Secret } from '../../core/secret.js';

export interface TokenEntry {
  token: Secret;
  /** The cluster this token speaks for; undefined: any (the URL path decides). */
  cluster?: string;
}

/** `TOKEN` or `TOKEN,CLUSTER` per line; blank lines and `#` comments are skipped. */
export function parseTokenFile(text: string): { tokens: TokenEntry[]; problems: string[] } {
  const tokens: TokenEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith('#')) return;
    const [token = '', cluster, ...rest] = l.split(',').map((s) => s.trim());
    // Never echo the line: it holds the token.
    if (rest.length || token.length < 16 || /\s/.test(token)) problems.push(`line ${i + 1}: expected TOKEN or TOKEN,CLUSTER with a token of at least 16 characters and no spaces`);
    else tokens.push(cluster ? { token: new Secret(token), cluster } : { token: new Secret(token) });
  });
  return { tokens, problems };
}

export type AuthResult =
  | { ok: true; cluster?: string; principal: string }
  | { ok: false; status: 401; reason: string };

export interface AuthOptions {
  requireClientCert: boolean;
  clientClusters: Map<string, string>;
  tokens: TokenEntry[];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function createAuthenticator(options: AuthOptions) {
  const tokens = options.tokens.map((t) => ({ digest: digest(t.token.reveal()), cluster: t.cluster }));

  function checkToken(header: string | undefined): { ok: true; cluster: string | undefined } | { ok: false; reason: string } {
    if (!header) return { ok: false, reason: 'no bearer token (Authorization: Bearer …)' };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { ok: false, reason: 'Authorization header is not a bearer token' };
    const presented = digest(m[1]!);
    let found: (typeof tokens)[number] | undefined;
    for (const t of tokens) if (timingSafeEqual(presented, t.digest) && !found) found = t;
    return found ? { ok: true, cluster: found.cluster } : { ok: false, reason: 'bearer token not accepted' };
  }

  return function authenticate(req: IncomingMessage): AuthResult {
    let cluster: string | undefined;
    let principal = 'anonymous';
    if (options.requireClientCert) {
      const socket = req.socket as TLSSocket;
      const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      if (!cert || Object.keys(cert).length === 0) return { ok: false, status: 401, reason: 'no client certificate' };
      if (!socket.authorized) return { ok: false, status: 401, reason: `client certificate not accepted: ${socket.authorizationError?.message ?? String(socket.authorizationError)}` };
      const cn = typeof cert.subject?.CN === 'string' ? cert.subject.CN : String(cert.subject?.CN ?? '');
      principal = `cert:${cn}`;
      cluster = options.clientClusters.get(cn);
    }
    if (tokens.length) {
      const t = checkToken(req.headers.authorization);
      if (!t.ok) return { ok: false, status: 401, reason: t.reason };
      if (t.cluster !== undefined) {
        // Both credentials name a cluster: they must agree.
        if (cluster !== undefined && cluster !== t.cluster) return { ok: false, status: 401, reason: 'client certificate and token speak for different clusters' };
        cluster = t.cluster;
      }
      principal = principal === 'anonymous' ? 'token' : `${principal}+token`;
    }
    return cluster === undefined ? { ok: true, principal } : { ok: true, cluster, principal };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
