// One HTTP request of the webhook: route, authenticate, check method, type and size, reserve
// capacity, read and judge the body, hand it to the intake and answer when the intake says so.
// Order of checks: path (404) → method (405) → credentials (401) → cluster (403) → content type
// (415) → capacity (503 / 429) → size (413) → body (400). Probes (/healthz, /readyz, /metrics)
// need no credentials and reveal nothing about events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './auth.js';
import { BodyTooLargeError, bodyRecords, readBody, type BodyBytes } from './body.js';
import { isClusterName, type WebhookOptions } from './config.js';
import type { Answer, Intake, PendingBatch } from './intake.js';
import type { RejectReason, WebhookMetrics } from './metrics.js';

export interface HandlerDeps {
  options: WebhookOptions;
  authenticate: Authenticator;
  intake: Intake;
  metrics: WebhookMetrics;
  log: (line: string) => void;
}

export function createRequestHandler(deps: HandlerDeps) {
  const { options, authenticate, intake, metrics } = deps;
  const base = options.basePath === '/' ? '' : options.basePath;
  const retryAfter = String(options.retryAfterSeconds);
  const runId = Date.now().toString(36);
  let seq = 0;
  const log = throttledLog(deps.log);

  function send(req: IncomingMessage, res: ServerResponse, arrivedAt: number, a: Answer, extraHeaders: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(a.body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extraHeaders };
    if (a.retryAfter) headers['retry-after'] = retryAfter;
    if (intake.state().draining) headers.connection = 'close';
    res.writeHead(a.status, headers);
    res.end(text);
    metrics.requestDuration.observe({ code: String(a.status) }, (performance.now() - arrivedAt) / 1000);
  }

  function reject(req: IncomingMessage, res: ServerResponse, arrivedAt: number, status: number, code: RejectReason, reason: string, headers: Record<string, string> = {}): void {
    metrics.rejectedRequests.inc({ reason: code });
    send(req, res, arrivedAt, { status, body: { status: 'error', reason }, retryAfter: status === 429 || status === 503 }, headers);
  }

  /** The cluster named by the URL: undefined for the base path, null for a path that is not ours. */
  function clusterOf(pathname: string): string | undefined | null {
    if (pathname === options.basePath || (base === '' && pathname === '/')) return undefined;
    if (!pathname.startsWith(`${base}/`)) return null;
    let rest = pathname.slice(base.length + 1);
    if (rest.endsWith('/')) rest = rest.slice(0, -1);
    if (rest === '') return undefined;
    try {
      rest = decodeURIComponent(rest);
    } catch {
      return null;
    }
    return isClusterName(rest) ? rest : null;
  }

  async function probe(res: ServerResponse, pathname: string): Promise<boolean> {
    if (pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return true;
    }
    if (pathname === '/readyz') {
      const s = intake.state();
      // A sink that hangs without failing shows as lag: not ready once a batch waits past the ack timeout.
      const stuck = intake.oldestPendingSeconds() * 1000 > options.ackTimeoutMs;
      const ready = s.up && !s.draining && !stuck;
      const why = s.draining ? 'shutting down' : !s.up ? s.reason : 'a batch has waited longer than the ack timeout for the sinks';
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : `not ready: ${why}\n`);
      return true;
    }
    if (pathname === '/metrics') {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      return true;
    }
    return false;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q >= 0 ? url.slice(0, q) : url;
    if (req.method === 'GET' && (await probe(res, pathname))) return;

    const pathCluster = clusterOf(pathname);
    if (pathCluster === null) return reject(req, res, arrivedAt, 404, 'not_found', `no webhook at ${pathname.slice(0, 200)}; POST to ${options.basePath} or ${base}/<cluster>`);
    if (req.method !== 'POST') return reject(req, res, arrivedAt, 405, 'method', 'only POST is accepted', { allow: 'POST' });

    const who = authenticate(req);
    if (!who.ok) {
      log(`webhook: 401 for ${req.socket.remoteAddress ?? '?'}: ${who.reason}`);
      return reject(req, res, arrivedAt, 401, 'unauthenticated', who.reason, { 'www-authenticate': 'Bearer' });
    }
    if (who.cluster !== undefined && pathCluster !== undefined && who.cluster !== pathCluster) {
      log(`webhook: 403 for ${who.principal} from ${req.socket.remoteAddress ?? '?'}: credential of cluster ${who.cluster} posted to ${pathCluster}`);
      return reject(req, res, arrivedAt, 403, 'forbidden', `this credential speaks for cluster ${who.cluster}, not ${pathCluster}`);
    }
    const cluster = who.cluster ?? pathCluster ?? options.defaultCluster;

    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return reject(req, res, arrivedAt, 415, 'content_type', `Content-Type must be application/json, not ${JSON.stringify(type || '(none)')}`);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return reject(req, res, arrivedAt, 415, 'content_type', `Content-Encoding ${JSON.stringify(encoding)} is not supported; send the body uncompressed`);

    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > options.maxBodyBytes) return tooLarge(req, res, arrivedAt);

    const reservation = intake.reserve(declared ?? options.maxBodyBytes);
    if (intake.isRefusal(reservation)) return reject(req, res, arrivedAt, reservation.status, reservation.code, reservation.reason);

    let body: BodyBytes;
    try {
      body = await readBody(req, options.maxBodyBytes);
    } catch (e) {
      reservation.release();
      if (e instanceof BodyTooLargeError) return tooLarge(req, res, arrivedAt);
      metrics.rejectedRequests.inc({ reason: 'client_error' });
      return;
    }
    // One record per item (or per body of another shape): the decoder judges each item, rejecting bad ones alone.
    const judged = bodyRecords(body, { source: `webhook/${cluster}/${runId}-${++seq}` }, cluster);
    const events = judged.ok ? judged.items : 0;
    const batch: PendingBatch = {
      records: judged.ok ? judged.records : [judged.record],
      events,
      bytes: body.size,
      arrivedAt,
      answer: (a) => {
        if (a.status !== 200) metrics.rejectedRequests.inc({ reason: a.status === 400 ? 'malformed' : 'unavailable' });
        send(req, res, arrivedAt, a);
      },
    };
    if (!judged.ok) batch.malformed = judged.reason;
    else {
      metrics.receivedBatches.inc();
      metrics.receivedEvents.inc(events);
      metrics.receivedBytes.inc(body.size);
    }
    reservation.submit(batch);
  };

  function tooLarge(req: IncomingMessage, res: ServerResponse, arrivedAt: number): void {
    // The rest of the body is not worth reading: answer and close the connection.
    reject(req, res, arrivedAt, 413, 'too_large', `body larger than ${options.maxBodyBytes} bytes; lower --audit-webhook-batch-max-size or raise max_body_bytes`, { connection: 'close' });
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
    req.resume();
  }
}

/** At most one line per message shape every 10 s, so a misconfigured cluster cannot flood the log. */
function throttledLog(log: (line: string) => void) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (line: string) => {
    const key = line.replace(/\d+/g, '#').slice(0, 80);
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < 10_000) {
      seen.suppressed++;
      return;
    }
    log(seen?.suppressed ? `${line} (and ${seen.suppressed} similar in the last 10 s)` : line);
    last.set(key, { at: now, suppressed: 0 });
    if (last.size > 1000) last.clear();
  };
}
