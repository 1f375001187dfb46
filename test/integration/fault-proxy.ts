// A small HTTP proxy between the pipeline and the real Elasticsearch that injects faults on demand:
//   pass        forward everything (the default);
//   down        Elasticsearch "stopped": the listening socket is closed (connection refused) and every
//               open connection is destroyed, mid-request included;
//   bulk429     the next N `_bulk` requests are answered 429 (bulk queue full), as Elasticsearch does;
//   items429    the next N `_bulk` requests are answered 200 with every item rejected 429 (the
//               per-item form of a full write queue), without reaching Elasticsearch.
// Every fault it injected is counted, so a test can report how many it ran.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FaultCounts {
  refusedWhileDown: number;
  bulk429: number;
  items429: number;
  forwarded: number;
}

const ES_HEADERS = { 'content-type': 'application/vnd.elasticsearch+json;compatible-with=9', 'x-elastic-product': 'Elasticsearch' };

export class FaultProxy {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private up = false;
  private answer429 = 0;
  private answerItems429 = 0;
  readonly counts: FaultCounts = { refusedWhileDown: 0, bulk429: 0, items429: 0, forwarded: 0 };
  port = 0;

  constructor(private readonly upstream: URL) {
    this.server = this.createServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on a free port the first time, on the same port afterwards). */
  async start(): Promise<void> {
    if (this.up) return;
    this.server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    this.up = true;
  }

  /** Elasticsearch "stops": nothing listens any more and open connections die. */
  async stop(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) {
      s.destroy();
      this.counts.refusedWhileDown++;
    }
    this.sockets.clear();
    await closed;
  }

  reject429(n: number): void {
    this.answer429 += n;
  }

  rejectItems429(n: number): void {
    this.answerItems429 += n;
  }

  private createServer(): Server {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const isBulk = req.method === 'POST' && /(^|\/)_bulk(\?|$)/.test(req.url ?? '');
    if (isBulk && this.answer429 > 0) {
      this.answer429--;
      this.counts.bulk429++;
      req.resume();
      res.writeHead(429, ES_HEADERS).end(JSON.stringify({ error: { type: 'es_rejected_execution_exception', reason: 'rejected execution (queue capacity 0) [fault-proxy]' }, status: 429 }));
      return;
    }
    if (isBulk && this.answerItems429 > 0) {
      this.answerItems429--;
      this.counts.items429++;
      const body = await readBody(req);
      const actions = body.split('\n').filter((l, i) => i % 2 === 0 && l.trim() !== '');
      const items = actions.map((a) => {
        const [op, meta] = Object.entries(JSON.parse(a) as Record<string, { _index: string; _id: string }>)[0]!;
        return { [op]: { _index: meta._index, _id: meta._id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution [fault-proxy]' } } };
      });
      res.writeHead(200, ES_HEADERS).end(JSON.stringify({ errors: true, took: 0, items }));
      return;
    }
    this.counts.forwarded++;
    const up = request(
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
