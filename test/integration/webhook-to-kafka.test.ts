// The receiving tier against the real broker: the webhook answers 200 only once Kafka has the batch,
// every event lands on the raw topic exactly once per request stage with its cluster header, and the
// indexer side can read them back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineConfigSchema } from '../../src/pipeline/config.js';
import { runWebhookFromConfig } from '../../src/pipeline/from-config.js';
import { auditEvent } from '../helpers/events.js';
import { BROKERS, createTopic, kafka, pollUntil, unique } from './helpers.js';

describe('webhook → kafka pipeline', () => {
  it('answers 200 after Kafka has the events, keyed by auditID with the cluster header', async () => {
    const raw = unique('k8sit-raw');
    await createTopic(raw, 3);
    const dir = mkdtempSync(join(tmpdir(), 'k8sit-'));
    const config = PipelineConfigSchema.parse({
      source: { type: 'webhook', listen: '127.0.0.1:0', path: '/k8s-audit' },
      sinks: [{ type: 'kafka', brokers: BROKERS, events_topic: raw }],
      dead_letter: 'rejected.ndjson',
    });
    const ac = new AbortController();
    let url = '';
    const run = runWebhookFromConfig(config, (p) => join(dir, p), ac.signal, { onListening: (u) => (url = u), log: () => undefined });
    await pollUntil('listening', () => (url ? true : undefined), 30_000);

    const items = Array.from({ length: 400 }, () => {
      const { kind: _k, apiVersion: _a, ...item } = auditEvent({ verb: 'delete' });
      return item;
    });
    const post = (body: unknown) => fetch(`${url}/prod-eu-1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
    const [a, b] = await Promise.all([post(list), post(list)]); // a re-send, concurrently
    expect([a.status, b.status]).toEqual([200, 200]);

    const consumer = kafka().consumer({ groupId: unique('k8sit-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: raw, fromBeginning: true });
    const seen: { key: string; cluster: string; verb: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push({ key: message.key!.toString(), cluster: message.headers!.cluster!.toString(), verb: (JSON.parse(message.value!.toString()) as { verb: string }).verb }),
    });
    // At-least-once: the re-send may be produced twice; the indexer's _id makes it one document.
    await pollUntil('800 messages', () => (seen.length >= 800 ? true : undefined), 60_000);
    await consumer.disconnect();
    ac.abort();
    await run;
    expect(new Set(seen.map((m) => m.key))).toEqual(new Set(items.map((i) => i.auditID)));
    expect(seen.every((m) => m.cluster === 'prod-eu-1' && m.verb === 'delete')).toBe(true);
  });
});
