// The webhook source's configuration: the `source:` block of a pipeline file (snake_case, units in
// the names) and its resolution into runtime options (files read, tokens loaded) once, at start-up.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { parseTokenFile, type TokenEntry } from './auth.js';

/** The API server's webhook batches are at most 10 MiB (--audit-webhook-truncate-max-batch-size); leave headroom. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export const WebhookSourceSchema = z
  .object({
    type: z.literal('webhook'),
    /** HOST:PORT; [::1]:9765 for IPv6; port 0 picks a free one. */
    listen: z.string().default('127.0.0.1:9765'),
    /** Base path; /<path>/<cluster> names the cluster. */
    path: z.string().regex(/^\/[^?#]*$/, 'a path starting with /').default('/k8s-audit'),
    tls: z
      .object({
        cert: z.string().min(1),
        key: z.string().min(1),
        /** Verify client certificates against this CA bundle; requests without a valid one get 401. */
        client_ca: z.string().min(1).optional(),
        /** Client certificate subject CN → cluster name. */
        client_clusters: z.record(z.string(), z.string().regex(CLUSTER_NAME)).optional(),
      })
      .strict()
      .optional(),
    /** Bearer tokens, one per line: TOKEN or TOKEN,CLUSTER (the token then only speaks for that cluster). */
    token_file: z.string().min(1).optional(),
    max_body_bytes: z.number().int().min(1024).default(DEFAULT_MAX_BODY_BYTES),
    /** Requests accepted but not yet acknowledged by the sinks; beyond this answer 429. */
    max_pending_batches: z.number().int().min(1).default(64),
    max_pending_bytes: z.number().int().min(1024).default(256 * 1024 * 1024),
    retry_after_s: z.number().int().min(1).default(5),
    /** A request whose batch is not acknowledged in this time gets 503 (the API server re-sends; we dedupe). */
    ack_timeout_ms: z.number().int().min(100).default(25_000),
    request_timeout_ms: z.number().int().min(1000).default(60_000),
  })
  .strict();
export type WebhookSourceConfig = z.infer<typeof WebhookSourceSchema>;

export interface WebhookOptions {
  host: string;
  port: number;
  basePath: string;
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  clientClusters: Map<string, string>;
  tokens: TokenEntry[];
  defaultCluster: string;
  maxBodyBytes: number;
  maxPendingBatches: number;
  maxPendingBytes: number;
  retryAfterSeconds: number;
  ackTimeoutMs: number;
  requestTimeoutMs: number;
  /** Operational log lines (never credentials, never event contents). */
  log?: (line: string) => void;
}

export function parseListen(listen: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function isClusterName(s: string): boolean {
  return CLUSTER_NAME.test(s);
}

/** Reads the files a config names and reports every problem at once (STYLE.md §12). */
export function resolveWebhookOptions(c: WebhookSourceConfig, defaultCluster: string, at: (p: string) => string = (p) => p): WebhookOptions {
  const problems: string[] = [];
  const read = (what: string, file: string): Buffer | undefined => {
    try {
      return readFileSync(at(file));
    } catch (e) {
      problems.push(`${what} ${file}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
  };
  const listen = parseListen(c.listen);
  if (!listen) problems.push(`listen "${c.listen}": use HOST:PORT, e.g. 127.0.0.1:9765 or [::]:9765`);
  if (!isClusterName(defaultCluster)) problems.push(`cluster "${defaultCluster}": use letters, digits, ".", "_" and "-"`);
  let tls: WebhookOptions['tls'];
  if (c.tls) {
    const cert = read('tls certificate', c.tls.cert);
    const key = read('tls key', c.tls.key);
    const ca = c.tls.client_ca === undefined ? undefined : read('client CA', c.tls.client_ca);
    if (cert && key) tls = ca ? { cert, key, ca } : { cert, key };
    if (c.tls.client_clusters && !c.tls.client_ca) problems.push('tls.client_clusters needs tls.client_ca: client certificates are only trusted when verified');
  }
  let tokens: TokenEntry[] = [];
  if (c.token_file !== undefined) {
    const text = read('token file', c.token_file);
    if (text) {
      const parsed = parseTokenFile(text.toString('utf8'));
      for (const p of parsed.problems) problems.push(`token file ${c.token_file}: ${p}`);
      for (const t of parsed.tokens) if (t.cluster !== undefined && !isClusterName(t.cluster)) problems.push(`token file ${c.token_file}: cluster "${t.cluster}" is not a valid name`);
      tokens = parsed.tokens;
      if (tokens.length === 0 && parsed.problems.length === 0) problems.push(`token file ${c.token_file}: no tokens in it`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  const basePath = c.path.length > 1 ? c.path.replace(/\/+$/, '') : c.path;
  return {
    host: listen!.host,
    port: listen!.port,
    basePath,
    ...(tls ? { tls } : {}),
    clientClusters: new Map(Object.entries(c.tls?.client_clusters ?? {})),
    tokens,
    defaultCluster,
    maxBodyBytes: c.max_body_bytes,
    maxPendingBatches: c.max_pending_batches,
    maxPendingBytes: c.max_pending_bytes,
    retryAfterSeconds: c.retry_after_s,
    ackTimeoutMs: c.ack_timeout_ms,
    requestTimeoutMs: c.request_timeout_ms,
  };
}
