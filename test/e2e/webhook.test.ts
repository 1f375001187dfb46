// `k8s-audit serve` driven like kube-apiserver's batch webhook backend drives it: concurrent POSTs of
// EventLists (items without kind/apiVersion), out of order, some sent twice; then every bad input.
// TLS, mTLS and bearer tokens use certificates made here with the openssl CLI. Run `npm run build` first.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, REPO_ROOT } from '../helpers/events.js';

const BIN = join(REPO_ROOT, 'bin/k8s-audit.js');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}
interface PostOptions {
  method?: string;
  headers?: Record<string, string>;
  agent?: HttpAgent | HttpsAgent;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** Send the body in chunks without Content-Length. */
  chunked?: boolean;
}

function post(url: string, body: string | Buffer | undefined, o: PostOptions = {}): Promise<Reply> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', ...o.headers };
    if (body !== undefined && !o.chunked) headers['content-length'] = Buffer.byteLength(body);
    const req = request(u, { method: o.method ?? 'POST', headers, ...(o.agent ? { agent: o.agent } : {}), ...(o.tls ?? {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) return void req.end();
    if (!o.chunked) return void req.end(body);
    const b = Buffer.from(body);
    for (let i = 0; i < b.length; i += 65536) req.write(b.subarray(i, i + 65536));
    req.end();
  });
}

interface Served {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  dir: string;
}

function serve(args: string[]): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-webhook-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--store', join(dir, 'audit.db'), '--dead-letter', join(dir, 'rejected.ndjson'), ...args], { cwd: dir });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d;
      const m = /listening on (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stdout: () => out, stderr: () => err, exit, dir });
      }
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

async function stop(s: Served): Promise<number | null> {
  s.child.kill('SIGTERM');
  return s.exit;
}

/** What kube-apiserver POSTs: items without kind/apiVersion. */
function eventList(items: Record<string, unknown>[]): string {
  return JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) });
}

/** Like the API server: on 429/503 (or a reset connection) wait and send the same batch again; bounded. */
async function deliver(url: string, body: string, agent: HttpAgent): Promise<Reply> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const r = await post(url, body, { agent }).catch(() => undefined);
    if (r && r.status !== 429 && r.status !== 503) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('not delivered after 100 attempts');
}

function storeRows(dir: string, sql: string): Record<string, unknown>[] {
  const db = new Database(join(dir, 'audit.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('k8s-audit serve (HTTP)', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(['--max-body-bytes', String(2 * 1024 * 1024), '--cluster', 'fallback']);
  });
  afterAll(() => void s.child.kill('SIGKILL'));

  it('stores every event of concurrent, out-of-order and re-sent batches exactly once, stamped with the cluster of the URL', async () => {
    const events = Array.from({ length: 4000 }, (_, i) => auditEvent({ stage: i % 2 ? 'ResponseComplete' : 'RequestReceived', verb: i % 97 === 0 ? 'delete' : 'get' }));
    const batches: string[] = [];
    for (let i = 0; i < events.length; i += 400) batches.push(eventList(events.slice(i, i + 400)));
    // Out of order, and three batches sent twice — one of them concurrently with itself.
    const order = [7, 2, 9, 0, 5, 1, 8, 3, 6, 4, 2, 9, 4].map((i) => batches[i]!);
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 5 });
    const replies = await Promise.all(order.map((b) => deliver(`${s.url}/prod-eu-1?timeout=30s`, b, agent)));
    agent.destroy();
    expect(replies.map((r) => r.status)).toEqual(order.map(() => 200));
    expect(JSON.parse(replies[0]!.text)).toEqual({ status: 'accepted', events: 400 });
    const rows = storeRows(s.dir, `SELECT cluster, count(*) n, count(DISTINCT audit_id || stage) d FROM events WHERE audit_id IN (${events.map((e) => `'${e.auditID as string}'`).join(',')}) GROUP BY cluster`);
    expect(rows).toEqual([{ cluster: 'prod-eu-1', n: 4000, d: 4000 }]);
    const stored = JSON.parse(storeRows(s.dir, `SELECT event FROM events WHERE audit_id = '${events[0]!.auditID as string}'`)[0]!.event as string);
    // The store keeps the event as the API server sent it (webhook items carry no kind/apiVersion).
    const { kind: _kind, apiVersion: _apiVersion, ...item } = events[0]!;
    expect(stored).toEqual(item);
  });

  it('keeps the good items of a batch with bad ones, dead-letters the bad ones, and answers 200', async () => {
    const good = [auditEvent(), auditEvent()];
    const body = JSON.stringify({ kind: 'EventList', items: [good[0], { auditID: 'broken', stage: 'ResponseComplete' }, 17, good[1]] });
    const r = await post(s.url, body);
    expect(r.status).toBe(200);
    expect(storeRows(s.dir, `SELECT cluster FROM events WHERE audit_id IN ('${good[0]!.auditID as string}', '${good[1]!.auditID as string}')`)).toEqual([{ cluster: 'fallback' }, { cluster: 'fallback' }]);
    const dead = readFileSync(join(s.dir, 'rejected.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { origin: { item: number }; reason: string });
    expect(dead.filter((d) => d.origin.item === 2 || d.origin.item === 3).length).toBe(2);
  });

  it('accepts a single Event and a bare array', async () => {
    const one = auditEvent();
    const two = [auditEvent(), auditEvent()];
    expect((await post(s.url, JSON.stringify(one))).status).toBe(200);
    expect((await post(s.url, JSON.stringify(two))).status).toBe(200);
    expect(storeRows(s.dir, `SELECT count(*) n FROM events WHERE audit_id IN ('${one.auditID as string}', '${two[0]!.auditID as string}', '${two[1]!.auditID as string}')`)).toEqual([{ n: 3 }]);
  });

  it('answers each bad request with the right status and keeps malformed bodies in the dead-letter store', async () => {
    const big = eventList(Array.from({ length: 3600 }, () => auditEvent()));
    expect(Buffer.byteLength(big)).toBeGreaterThan(2 * 1024 * 1024);
    const cases: [string, Promise<Reply>, number, RegExp][] = [
      ['GET', post(s.url, undefined, { method: 'GET' }), 405, /only POST/],
      ['PUT', post(s.url, '{}', { method: 'PUT' }), 405, /only POST/],
      ['text/plain', post(s.url, eventList([auditEvent()]), { headers: { 'content-type': 'text/plain' } }), 415, /application\/json/],
      ['gzip', post(s.url, eventList([auditEvent()]), { headers: { 'content-encoding': 'gzip' } }), 415, /Content-Encoding/],
      ['too large', post(s.url, big), 413, /larger than 2097152 bytes/],
      ['too large, chunked', post(s.url, big, { chunked: true }), 413, /larger than/],
      ['not JSON', post(s.url, '{"kind":"EventList","items":[{"auditID"'), 400, /not valid JSON/],
      ['not an event', post(s.url, '{"kind":"PodList","items":[]}'), 400, /kind "PodList"/],
      ['a scalar', post(s.url, '"hello"'), 400, /a JSON string/],
      ['another path', post(s.url.replace('/k8s-audit', '/other'), '[]'), 404, /no webhook/],
      ['a nested path', post(`${s.url}/a/b`, '[]'), 404, /no webhook/],
    ];
    for (const [name, reply, status, reason] of cases) {
      const r = await reply;
      expect([name, r.status]).toEqual([name, status]);
      expect(JSON.parse(r.text).reason).toMatch(reason);
    }
    const dead = readFileSync(join(s.dir, 'rejected.ndjson'), 'utf8');
    expect(dead).toContain('PodList');
    expect(dead).toContain('hello');
    expect(storeRows(s.dir, "SELECT count(*) n FROM rejected WHERE text LIKE '%PodList%'")).toEqual([{ n: 1 }]);
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    expect((await post(`${new URL(s.url).origin}/healthz`, undefined, { method: 'GET' })).status).toBe(200);
    expect((await post(`${new URL(s.url).origin}/readyz`, undefined, { method: 'GET' })).status).toBe(200);
    const m = (await post(`${new URL(s.url).origin}/metrics`, undefined, { method: 'GET' })).text;
    expect(m).toMatch(/^component_received_events_total\{component="webhook"\} \d+/m);
    expect(m).toMatch(/^component_rejected_requests_total\{reason="too_large",component="webhook"\} 2/m);
    expect(m).toMatch(/^component_request_duration_seconds_bucket\{le="0\.1",component="webhook",code="200"\}/m);
    expect(m).toMatch(/^component_queue_depth_batches\{component="webhook"\} 0/m);
    expect(m).toMatch(/^component_downstream_lag_seconds/m);
  });

  it('prints alerts as NDJSON on stdout, stamped with the cluster', () => {
    const out = s.stdout();
    const alerts = out.slice(0, out.lastIndexOf('\n')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { orchestrator: { cluster: { name: string } } });
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.some((a) => a.orchestrator.cluster.name === 'prod-eu-1')).toBe(true);
  });
});

describe('k8s-audit serve shutdown', () => {
  it('on SIGTERM finishes admitted batches, exits 0, and every batch answered 200 is in the store', async () => {
    const s = await serve([]);
    const batches = Array.from({ length: 8 }, () => Array.from({ length: 400 }, () => auditEvent()));
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
    const replies = batches.map((b) => post(`${s.url}/c1`, eventList(b), { agent }).catch((e: Error) => e));
    await Promise.race(replies);
    s.child.kill('SIGTERM');
    const settled = await Promise.all(replies);
    expect(await s.exit).toBe(0);
    agent.destroy();
    const stored = new Set(storeRows(s.dir, 'SELECT audit_id FROM events').map((r) => r.audit_id));
    settled.forEach((r, i) => {
      if (!(r instanceof Error) && r.status === 200) expect(batches[i]!.every((e) => stored.has(e.auditID))).toBe(true);
      else if (!(r instanceof Error)) expect(r.status).toBe(503);
    });
    expect(settled.filter((r) => !(r instanceof Error) && r.status === 200).length).toBeGreaterThan(0);
    expect(s.stderr()).toMatch(/stopped: \d+ events/);
  });
});

describe('k8s-audit serve over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-pki-'));
  const f = (n: string) => join(dir, n);
  const pem = (n: string) => readFileSync(f(n));
  const TOKEN_ANY = 'tok-any-0123456789abcdef0123456789';
  const TOKEN_STAGING = 'tok-staging-0123456789abcdef012345';
  let mtls: Served;
  let tokenOnly: Served;

  function openssl(...args: string[]) {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  }
  function issue(name: string, cn: string, ca: string, ext: string) {
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    writeFileSync(f(`${name}.ext`), ext);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  }

  beforeAll(async () => {
    for (const ca of ['ca', 'rogue-ca']) openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`);
    issue('server', 'k8s-audit', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    issue('apiserver', 'kube-apiserver-prod', 'ca', 'extendedKeyUsage=clientAuth\n');
    issue('other', 'kube-apiserver-dev', 'ca', 'extendedKeyUsage=clientAuth\n');
    issue('intruder', 'kube-apiserver-prod', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
    writeFileSync(f('tokens'), `# webhook tokens\n${TOKEN_ANY}\n${TOKEN_STAGING},staging\n`);
    [mtls, tokenOnly] = await Promise.all([
      serve(['--tls-cert', f('server.crt'), '--tls-key', f('server.key'), '--client-ca', f('ca.crt'), '--client-cluster', 'kube-apiserver-prod=prod-eu-1', '--token-file', f('tokens')]),
      serve(['--tls-cert', f('server.crt'), '--tls-key', f('server.key'), '--token-file', f('tokens')]),
    ]);
  });
  afterAll(() => {
    mtls?.child.kill('SIGKILL');
    tokenOnly?.child.kill('SIGKILL');
  });

  const client = (name?: string) => ({ ca: pem('ca.crt'), ...(name ? { cert: pem(`${name}.crt`), key: pem(`${name}.key`) } : {}) });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it('requires a client certificate from the configured CA, plus the token', async () => {
    const body = () => eventList([auditEvent()]);
    expect((await post(mtls.url, body(), { tls: client(), headers: bearer(TOKEN_ANY) })).status).toBe(401);
    expect((await post(mtls.url, body(), { tls: client('intruder'), headers: bearer(TOKEN_ANY) })).status).toBe(401);
    expect((await post(mtls.url, body(), { tls: client('apiserver') })).status).toBe(401);
    expect((await post(mtls.url, body(), { tls: client('apiserver'), headers: bearer('x'.repeat(34)) })).status).toBe(401);
    const ok = auditEvent();
    expect((await post(mtls.url, eventList([ok]), { tls: client('apiserver'), headers: bearer(TOKEN_ANY) })).status).toBe(200);
    // The certificate names the cluster; the URL may not claim another one.
    expect((await post(`${mtls.url}/prod-eu-1`, body(), { tls: client('apiserver'), headers: bearer(TOKEN_ANY) })).status).toBe(200);
    expect((await post(`${mtls.url}/dev`, body(), { tls: client('apiserver'), headers: bearer(TOKEN_ANY) })).status).toBe(403);
    // An unmapped certificate from the right CA: the URL decides.
    const dev = auditEvent();
    expect((await post(`${mtls.url}/dev`, eventList([dev]), { tls: client('other'), headers: bearer(TOKEN_ANY) })).status).toBe(200);
    expect(storeRows(mtls.dir, `SELECT audit_id, cluster FROM events WHERE audit_id IN ('${ok.auditID as string}', '${dev.auditID as string}') ORDER BY cluster`)).toEqual([
      { audit_id: dev.auditID, cluster: 'dev' },
      { audit_id: ok.auditID, cluster: 'prod-eu-1' },
    ]);
  });

  it('over TLS with tokens only: the token’s cluster wins, a wrong cluster is 403, no token is 401', async () => {
    const e = auditEvent();
    expect((await post(tokenOnly.url, eventList([e]), { tls: client(), headers: bearer(TOKEN_STAGING) })).status).toBe(200);
    expect((await post(`${tokenOnly.url}/prod`, eventList([auditEvent()]), { tls: client(), headers: bearer(TOKEN_STAGING) })).status).toBe(403);
    expect((await post(tokenOnly.url, eventList([auditEvent()]), { tls: client() })).status).toBe(401);
    expect((await post(tokenOnly.url, eventList([auditEvent()]), { tls: client(), headers: bearer(TOKEN_ANY.slice(0, -1)) })).status).toBe(401);
    expect(storeRows(tokenOnly.dir, `SELECT cluster FROM events WHERE audit_id = '${e.auditID as string}'`)).toEqual([{ cluster: 'staging' }]);
    // A client that does not trust our CA fails the handshake.
    await expect(post(tokenOnly.url, '[]', { tls: { ca: pem('rogue-ca.crt') }, headers: bearer(TOKEN_ANY) })).rejects.toThrow();
  });

  it('never logs credentials', async () => {
    await stop(mtls);
    await stop(tokenOnly);
    for (const s of [mtls, tokenOnly]) {
      expect(s.stderr()).not.toContain(TOKEN_ANY);
      expect(s.stderr()).not.toContain(TOKEN_STAGING);
      expect(s.stderr()).not.toContain('tok-');
    }
    expect(mtls.stderr()).toMatch(/401 for .*: (no client certificate|client certificate not accepted)/);
  });
});

describe('k8s-audit run -c with a webhook source', () => {
  it('takes batches, stores them and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-webhook-run-'));
    writeFileSync(
      join(dir, 'pipeline.yaml'),
      ['cluster: from-pipeline', 'source:', '  type: webhook', '  listen: 127.0.0.1:0', 'sinks:', '  - type: sqlite', '    path: audit.db', '  - type: alerts', '    format: none', 'dead_letter: rejected.ndjson', ''].join('\n'),
    );
    const child = spawn(process.execPath, [BIN, 'run', '-c', join(dir, 'pipeline.yaml')], { cwd: dir });
    let err = '';
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`run did not start: ${err}`)), 20_000);
      child.stderr.on('data', (d: Buffer) => {
        err += d;
        const m = /listening on (\S+)/.exec(err);
        if (!m) return;
        clearTimeout(timer);
        resolve(m[1]!);
      });
    });
    const events = Array.from({ length: 400 }, () => auditEvent());
    expect((await post(url, eventList(events))).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(storeRows(dir, 'SELECT cluster, count(*) n FROM events GROUP BY cluster')).toEqual([{ cluster: 'from-pipeline', n: 400 }]);
  });
});
