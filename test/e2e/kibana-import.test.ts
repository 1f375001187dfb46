// `k8s-audit kibana import` against a fake Kibana that checks the request the way Kibana's saved
// objects import API does: POST …/api/saved_objects/_import?overwrite=true, a kbn-xsrf header,
// multipart form data with the NDJSON as `file`, and the credentials.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/events.js';

const BIN = join(REPO_ROOT, 'bin/k8s-audit.js');
let server: Server;
let url = '';
const seen: { method: string; url: string; xsrf: string | undefined; auth: string | undefined; file?: string; fileName?: string }[] = [];

async function formFile(req: IncomingMessage): Promise<{ text: string; name: string } | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) }).formData();
  const f = form.get('file');
  return f instanceof Blob ? { text: await f.text(), name: (f as File).name } : undefined;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const file = await formFile(req).catch(() => undefined);
      seen.push({ method: req.method ?? '', url: req.url ?? '', xsrf: req.headers['kbn-xsrf'] as string | undefined, auth: req.headers.authorization, ...(file ? { file: file.text, fileName: file.name } : {}) });
      if (!req.headers['kbn-xsrf']) return void res.writeHead(400).end('{"message":"Request must contain a kbn-xsrf header."}');
      if (req.headers.authorization !== 'ApiKey c2VjcmV0') return void res.writeHead(401).end('{"statusCode":401}');
      const count = (file?.text.trim().split('\n') ?? []).length;
      const errors = req.url?.includes('/s/broken/') ? [{ id: 'k8s-audit-events', type: 'index-pattern', title: 'k8s-audit-events-*', error: { type: 'conflict' } }] : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: errors.length === 0, successCount: count - errors.length, errors }));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('k8s-audit kibana import', () => {
  it('posts the saved objects as multipart form data with kbn-xsrf and the API key, into a space', async () => {
    const r = await cli(['kibana', 'import', '--url', `${url}/`, '--api-key', 'c2VjcmV0', '--space', 'security']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/s/security/api/saved_objects/_import?overwrite=true', auth: 'ApiKey c2VjcmV0', fileName: 'k8s-audit.ndjson' });
    expect(req.xsrf).toBeTruthy();
    expect(req.file).toBe(readFileSync(join(REPO_ROOT, 'kibana/k8s-audit.ndjson'), 'utf8'));
    expect(r.stdout).toMatch(/^imported 35 saved objects into http:\/\/127\.0\.0\.1:\d+\/ \(space security\)/);
  });

  it('takes the API key from KIBANA_API_KEY, and exits 1 with one line per object Kibana refused', async () => {
    const r = await cli(['kibana', 'import', '--url', url, '--space', 'broken'], { KIBANA_API_KEY: 'c2VjcmV0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('k8s-audit: kibana: index-pattern k8s-audit-events (k8s-audit-events-*): conflict\n');
  });

  it('says what to do when Kibana refuses the credentials, or is not there', async () => {
    const bad = await cli(['kibana', 'import', '--url', url, '--api-key', 'wrong']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/refused the credentials \(401\): pass --api-key \(or KIBANA_API_KEY\)/);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await cli(['kibana', 'import', '--url', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach Kibana at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*; is the URL right\?/);
  });
});
