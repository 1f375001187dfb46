// The webhook source: kube-apiserver's audit webhook backend POSTs EventLists here. It outlives
// any one pipeline run: `attach()` gives a run its Source view; if the run fails (a sink is down)
// the caller marks the downstream down (503 + Retry-After, /readyz false) and attaches a new run
// when it can. Shutdown: stop listening, let admitted requests reach the pipeline and be answered,
// then close the remaining connections.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Source } from '../../core/contracts.js';
import { ConfigError } from '../../core/errors.js';
import { createAuthenticator } from './auth.js';
import type { WebhookOptions } from './config.js';
import { createRequestHandler } from './handler.js';
import { createIntake } from './intake.js';
import { createWebhookMetrics } from './metrics.js';

export interface WebhookSource {
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  /** The Source a pipeline run reads; marks the downstream available. */
  attach(): Source;
  /** The pipeline run failed: answer queued requests 503 and refuse new ones until attach(). */
  markDown(reason: string): void;
  /** Stop accepting: new requests get 503; the attached run ends once admitted ones are handed on. */
  stopAccepting(): void;
  close(): Promise<void>;
  readonly metrics: ReturnType<typeof createWebhookMetrics>;
  readonly url: string;
}

export function createWebhookSource(options: WebhookOptions): WebhookSource {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const intake = createIntake({
    maxPendingBatches: options.maxPendingBatches,
    maxPendingBytes: options.maxPendingBytes,
    ackTimeoutMs: options.ackTimeoutMs,
    onAcknowledged: (b) => {
      if (!b.malformed) metrics.acknowledgedBatches.inc();
    },
  });
  const metrics = createWebhookMetrics({
    queuedBatches: intake.queuedBatches,
    pendingBatches: intake.pendingBatches,
    pendingEvents: intake.pendingEvents,
    oldestPendingSeconds: intake.oldestPendingSeconds,
    downstreamUp: () => intake.state().up,
  });
  const authenticate = createAuthenticator({ requireClientCert: Boolean(options.tls?.ca), clientClusters: options.clientClusters, tokens: options.tokens });
  const handle = createRequestHandler({ options, authenticate, intake, metrics, log });
  const onRequest = (req: Parameters<typeof handle>[0], res: Parameters<typeof handle>[1]) => {
    handle(req, res).catch((e: Error) => {
      log(`webhook: internal error: ${e.message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"error","reason":"internal error"}');
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2', ...(options.tls.ca ? { ca: options.tls.ca, requestCert: true, rejectUnauthorized: false } : {}) }, onRequest)
    : createHttpServer(onRequest);
  server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = Math.min(options.requestTimeoutMs, 20_000);
  // Longer than the API server's idle connection reuse, so it rarely races a close.
  server.keepAliveTimeout = 65_000;
  let address: AddressInfo | undefined;
  let closed: Promise<void> | undefined;
  let ended: Promise<void> | undefined;
  /** Stops the listener and closes idle keep-alive connections; busy ones close after their answer. */
  function stopListening(): Promise<void> {
    ended ??= new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    return ended;
  }

  const scheme = options.tls ? 'https' : 'http';
  const self: WebhookSource = {
    metrics,
    get url() {
      if (!address) return '';
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `${scheme}://${host}:${address.port}${options.basePath}`;
    },
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL' ? new ConfigError(`listen ${options.host}:${options.port}: ${e.code === 'EADDRINUSE' ? 'address already in use; stop the other process or pick another --listen port' : e.code === 'EACCES' ? 'permission denied; use a port above 1023' : 'no such local address'}`) : e),
        );
        server.listen(options.port, options.host, () => {
          server.removeAllListeners('error');
          address = server.address() as AddressInfo;
          resolve(address);
        });
      });
    },
    attach: () => intake.attach(),
    markDown(reason) {
      intake.markDown(reason);
    },
    stopAccepting() {
      intake.startDrain();
      stopListening();
    },
    close() {
      closed ??= (async () => {
        intake.startDrain();
        intake.markDown('shutting down');
        const ended = stopListening();
        // Answers already written are flushed by connections closing on their own (Connection: close
        // while draining); a client that keeps a connection idle past that is cut off.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
        server.closeAllConnections();
      })();
      return closed;
    },
  };
  return self;
}
