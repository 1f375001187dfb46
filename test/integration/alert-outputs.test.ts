// Alerts to the real Kafka alerts topic and Elasticsearch alerts index, through the same policy
// layer as every alert output: a burst of 1,000 identical deletions is one alert with count 1,000
// (one Elasticsearch document, replaced in place by id), and the severity floor holds per output.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineConfigSchema } from '../../src/pipeline/config.js';
import { runFromConfig } from '../../src/pipeline/from-config.js';
import { auditEvent } from '../helpers/events.js';
import { BROKERS, countDocs, createTopic, es, ES_URL, kafka, pollUntil, produce, unique } from './helpers.js';

const client = es();
afterAll(async () => {
  await client.indices.delete({ index: 'k8sit-alerts-*', allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
  await client.close();
});

interface AlertDoc {
  alert: { id: string; count: number };
  rule: { id: string; severity: string };
  related?: { audit_ids: string[] };
  message: string;
}

describe('alerts to Kafka and Elasticsearch', () => {
  it('folds a burst of 1,000 deletions into one alert with count 1,000 in both, and applies each output its floor', async () => {
    const input = unique('k8sit-alerts-in');
    const alertsTopic = unique('k8sit-alerts-out');
    const index = unique('k8sit-alerts');
    await createTopic(input, 1);
    const n = 1000;
    const burst = Array.from({ length: n }, (_, i) =>
      auditEvent({ auditID: `${index}-${String(i).padStart(4, '0')}`, verb: 'delete', stageTimestamp: `2026-11-20T09:00:${String(Math.floor(i / 20)).padStart(2, '0')}.000000Z` }),
    );
    await produce(input, burst.map((e) => ({ key: e.auditID as string, value: JSON.stringify(e) })));

    const config = PipelineConfigSchema.parse({
      source: { type: 'kafka', brokers: BROKERS, topics: [input], group_id: unique('k8sit-alerts-group'), batch_size: 100 },
      sinks: [
        { type: 'elasticsearch', nodes: [ES_URL], events_index: `${index}-events`, alerts_index: `${index}-alerts`, dead_letter: 'es-dead.ndjson', min_severity: 'medium' },
        { type: 'kafka', brokers: BROKERS, alerts_topic: alertsTopic, min_severity: 'low' },
      ],
      kibana: { url: 'https://kibana.example.com' },
    });
    const ac = new AbortController();
    const run = runFromConfig(config, mkdtempSync(join(tmpdir(), 'k8sit-')), ac.signal);
    await pollUntil(`${n} events`, async () => ((await countDocs(client, `${index}-events`)) >= n ? true : undefined));
    ac.abort();
    const stats = await run;
    expect(stats.events).toBe(n);

    // Elasticsearch: one document for the burst, replaced in place by its summary.
    await client.indices.refresh({ index: `${index}-alerts` });
    const hits = await client.search<AlertDoc>({ index: `${index}-alerts`, size: 100, query: { term: { 'rule.id': 'secret-deleted' } } });
    expect(hits.hits.hits).toHaveLength(1);
    const doc = hits.hits.hits[0]!._source!;
    expect(doc.alert.count).toBe(n);
    expect(new Set(doc.related!.audit_ids).size).toBe(n);
    expect(doc.message).toMatch(/1,000 times between 09:00:00 and 09:00:49 UTC$/);
    // The floor: low-severity rules reached Kafka, not Elasticsearch.
    expect(await countDocs(client, `${index}-alerts`, { term: { 'rule.severity': 'low' } })).toBe(0);

    // Kafka: the first alert at once, then the summary under the same key.
    const consumer = kafka().consumer({ groupId: unique('k8sit-alerts-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: alertsTopic, fromBeginning: true });
    const got: AlertDoc[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void got.push(JSON.parse(message.value!.toString()) as AlertDoc) });
    await pollUntil('the burst summary on the alerts topic', () => (got.some((a) => a.rule.id === 'secret-deleted' && a.alert.count === n) ? true : undefined));
    await consumer.disconnect();
    const deleted = got.filter((a) => a.rule.id === 'secret-deleted');
    expect(deleted.map((a) => a.alert.count)).toEqual([1, n]);
    expect(new Set(deleted.map((a) => a.alert.id)).size).toBe(1);
    expect(got.some((a) => a.rule.severity === 'low')).toBe(true);
  });
});
