// Readiness and start-up checks: the cluster answers, the credentials work. Errors say what to do.
import type { Client } from '@elastic/elasticsearch';
import { ConfigError } from '../../core/errors.js';

export interface EsFailure {
  status?: number;
  name: string;
  message: string;
}

/** Normalises the client's errors (ResponseError, ConnectionError, TimeoutError, …). */
export function describeEsError(e: unknown): EsFailure {
  const err = e as { meta?: { statusCode?: number }; name?: string; message?: string };
  const f: EsFailure = { name: err?.name ?? 'Error', message: err?.message ?? String(e) };
  // A connection error (refused, reset, timed out) carries statusCode 0: there was no answer at all.
  if (typeof err?.meta?.statusCode === 'number' && err.meta.statusCode > 0) f.status = err.meta.statusCode;
  return f;
}

export async function checkCluster(client: Client, nodes: string[]): Promise<void> {
  try {
    await client.cluster.health({ timeout: '10s' }, { requestTimeout: 15_000 });
  } catch (e) {
    const f = describeEsError(e);
    const where = nodes.join(', ');
    if (f.status === 401) throw new ConfigError(`Elasticsearch at ${where} refused the credentials (401): check api_key, or username and password (ELASTICSEARCH_API_KEY, ELASTICSEARCH_USERNAME/PASSWORD)`);
    if (f.status === 403) throw new ConfigError(`Elasticsearch at ${where}: the credentials lack the monitor privilege for _cluster/health (403)`);
    if (f.status === undefined) throw new ConfigError(`cannot reach Elasticsearch at ${where}: ${f.message}; is it running (npm run services:up), and is the URL right?`);
    throw new ConfigError(`Elasticsearch at ${where} answered ${f.status} to _cluster/health: ${f.message}`);
  }
}
