// The webhook when its downstream is slow or down, in-process with sinks the test controls:
// 429 + Retry-After when the bounded queue is full, 503 + Retry-After and /readyz false while the
// pipeline is down, and recovery with nothing that was answered 200 missing.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessedBatch } from '../../src/core/batch.js';
import type { Sink } from '../../src/core/contracts.js';
import { createDecoder } from '../../src/decode/decode.js';
import { createEnricher } from '../../src/enrich/enrich.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { createSqliteSink } from '../../src/sinks/sqlite/sink.js';
import { resolveWebhookOptions, WebhookSourceSchema } from '../../src/sources/webhook/config.js';
import { createWebhookSource, type WebhookSource } from '../../src/sources/webhook/source.js';
import { auditEvent } from '../helpers/events.js';

function post(url: string, body?: string, method = 'POST'): Promise<{ status: number; retryAfter?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const eventList = (n: number) => JSON.stringify({ kind: 'EventList', items: Array.from({ length: n }, () => auditEvent()) });
const stages = { decoder: createDecoder({ defaultCluster: 'default' }), enrich: createEnricher({ redact: true }) };

/** A sink that holds each write until released, or fails it while `down`. */
function controlledSink() {
  const held: (() => void)[] = [];
  const stored = new Set<string>();
  const state = { hold: false, down: false };
  const sink: Sink = {
    name: 'controlled',
    async write(batch: ProcessedBatch) {
      if (state.down) throw new Error('store unreachable');
      if (state.hold) await new Promise<void>((r) => held.push(r));
      for (const e of batch.events) stored.add(e.facts.auditID);
    },
    async close() {},
  };
  return { sink, held, stored, state };
}

let webhook: WebhookSource | undefined;
let ac: AbortController | undefined;
afterEach(async () => {
  ac?.abort();
  await webhook?.close();
});

async function start(extra: Record<string, unknown>) {
  webhook = createWebhookSource({ ...resolveWebhookOptions(WebhookSourceSchema.parse({ type: 'webhook', listen: '127.0.0.1:0', retry_after_s: 2, ...extra }), 'default'), log: () => {} });
  await webhook.listen();
  ac = new AbortController();
  return { url: webhook.url, origin: new URL(webhook.url).origin, signal: ac.signal };
}

describe('webhook backpressure', () => {
  it('answers 429 with Retry-After once its queue is full, and takes batches again when the sinks catch up', async () => {
    const { url, signal } = await start({ max_pending_batches: 3 });
    const c = controlledSink();
    c.state.hold = true;
    const run = runPipeline({ ...stages, sinks: [c.sink], source: webhook!.attach() }, { signal, maxInFlight: 1 });
    const first = [post(url, eventList(2)), post(url, eventList(2)), post(url, eventList(2))];
    await expect.poll(() => c.held.length, { timeout: 5000 }).toBe(1);
    const refused = await post(url, eventList(2));
    expect(refused).toMatchObject({ status: 429, retryAfter: '2' });
    c.state.hold = false;
    c.held.splice(0).forEach((r) => r());
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await post(url, eventList(2))).status).toBe(200);
    ac!.abort();
    await run;
    expect(c.stored.size).toBe(8);
  });

  it('answers 503 with Retry-After, never 200, when the store’s writer thread dies with the batch in flight', async () => {
    const { url, signal } = await start({});
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-webhook-'));
    const store = createSqliteSink(join(dir, 'audit.db'), { syncEachCommit: true, writer: new URL('../unit/sinks/sqlite/fixtures/exiting-writer.mjs', import.meta.url) });
    const run = runPipeline({ ...stages, sinks: [store], source: webhook!.attach() }, { signal }).catch((e: Error) => e);
    const answered = await post(url, eventList(3));
    expect(answered).toMatchObject({ status: 503, retryAfter: '2' });
    expect(JSON.parse(answered.text).reason).toMatch(/writer thread exited/);
    expect(String(await run)).toMatch(/writer thread exited/);
  });

  it('answers 503 with Retry-After and reports not ready while the pipeline is down, then recovers', async () => {
    const { url, origin, signal } = await start({});
    expect((await post(`${origin}/readyz`, undefined, 'GET')).status).toBe(503);
    const c = controlledSink();
    c.state.down = true;
    const firstRun = runPipeline({ ...stages, sinks: [c.sink], source: webhook!.attach() }, { signal }).catch((e: Error) => e);
    expect((await post(`${origin}/readyz`, undefined, 'GET')).status).toBe(200);
    const failed = await post(url, eventList(3));
    expect(failed).toMatchObject({ status: 503, retryAfter: '2' });
    expect(JSON.parse(failed.text).reason).toMatch(/store unreachable/);
    expect(String(await firstRun)).toMatch(/store unreachable/);
    webhook!.markDown('store unreachable');
    const ready = await post(`${origin}/readyz`, undefined, 'GET');
    expect(ready.status).toBe(503);
    expect(ready.text).toMatch(/store unreachable/);
    expect((await post(url, eventList(1))).status).toBe(503);
    expect(await post(`${origin}/metrics`, undefined, 'GET').then((r) => r.text)).toMatch(/^component_downstream_up\{component="webhook"\} 0/m);

    c.state.down = false;
    const secondRun = runPipeline({ ...stages, sinks: [c.sink], source: webhook!.attach() }, { signal });
    const body = eventList(5);
    expect((await post(url, body)).status).toBe(200);
    for (const e of (JSON.parse(body) as { items: { auditID: string }[] }).items) expect(c.stored.has(e.auditID)).toBe(true);
    ac!.abort();
    await secondRun;
  });
});
