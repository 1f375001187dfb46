// What to do with a webhook's answer, as a pure function (Vector's retry.rs). 2xx: delivered.
// 408, 429 and 5xx, or no answer: retry (honouring Retry-After). Other 4xx: the receiver will never
// take this request (bad URL, bad token, a body it rejects): dead-letter it at once.

export type WebhookAction = { action: 'done' } | { action: 'retry'; reason: string; afterMs?: number } | { action: 'fail'; reason: string };

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export function classifyResponse(status: number | undefined, retryAfter?: string, error?: string): WebhookAction {
  if (status === undefined) return { action: 'retry', reason: `no answer (${error ?? 'connection error'})` };
  if (status >= 200 && status < 300) return { action: 'done' };
  const after = retryAfterMs(retryAfter);
  if (status === 408 || status === 429 || status >= 500) return { action: 'retry', reason: `the receiver answered ${status}`, ...(after !== undefined ? { afterMs: after } : {}) };
  if (status === 401 || status === 403) return { action: 'fail', reason: `the receiver refused the credentials (${status}): check token or headers` };
  if (status === 404 || status === 410) return { action: 'fail', reason: `no webhook at this URL (${status}): check url` };
  return { action: 'fail', reason: `the receiver rejected the alert (${status})` };
}
