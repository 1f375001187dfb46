// What to do with an Elasticsearch answer, as pure functions (Vector's retry.rs): the sink asks,
// these decide, tests check every branch without a server.

export type RequestAction =
  | { action: 'done' }
  | { action: 'retry'; reason: string }
  | { action: 'fatal'; reason: string };

/** A whole _bulk request: connection errors, 429 and 5xx are retried; auth and other 4xx are not. */
export function classifyRequest(status: number | undefined, errorName?: string): RequestAction {
  if (status === undefined) return { action: 'retry', reason: `no response (${errorName ?? 'connection error'})` };
  if (status === 429) return { action: 'retry', reason: 'Elasticsearch is busy (429 Too Many Requests)' };
  if (status >= 500) return { action: 'retry', reason: `server error ${status}` };
  if (status === 401) return { action: 'fatal', reason: 'authentication failed (401): check api_key or username/password' };
  if (status === 403) return { action: 'fatal', reason: 'not allowed (403): the credentials need create_doc and create_index on the k8s-audit-* indices' };
  if (status >= 400) return { action: 'fatal', reason: `request rejected (${status})` };
  return { action: 'done' };
}

export type ItemAction = 'ok' | 'duplicate' | 'retry' | 'dead-letter';

/** One item of a _bulk response. */
export function classifyItem(status: number, op: 'create' | 'index'): ItemAction {
  if (status >= 200 && status < 300) return 'ok';
  // `create` of an id that exists: this event was delivered before (a replay). Nothing to do.
  if (status === 409 && op === 'create') return 'duplicate';
  if (status === 429 || status >= 500) return 'retry';
  return 'dead-letter';
}

/** Full jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(initialMs, Math.floor(random() * cap));
}
