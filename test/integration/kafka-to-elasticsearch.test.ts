// Kafka in, Elasticsearch out, against the real services: exactly N documents for N events, alerts
// in the alerts index, poison messages on the dead-letter topic, offsets committed only after
// indexing — and nothing lost or duplicated when the pipeline is killed mid-stream or scaled out.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineConfigSchema } from '../../src/pipeline/config.js';
import { runFromConfig } from '../../src/pipeline/from-config.js';
import { auditEvent, REPO_ROOT } from '../helpers/events.js';
import { indexedAuditIds } from './fault-helpers.js';
import { BROKERS, countDocs, createTopic, es, ES_URL, kafka, pollUntil, produce, unique } from './helpers.js';

const client = es();
afterAll(async () => {
  await client.indices.delete({ index: 'k8sit-*', allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
  await client.close();
});

function events(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => {
    const verb = i % 50 === 0 ? 'delete' : 'get';
    return auditEvent({ auditID: `${tag}-${String(i).padStart(6, '0')}`, verb, objectRef: { resource: 'secrets', namespace: 'shop', name: `secret-${i}` }, user: { username: i % 50 === 0 ? 'mallory@example.com' : 'alice@example.com' } });
  });
}

function pipelineYaml(dir: string, topic: string, group: string, index: string): string {
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    [
      'cluster: fallback',
      `source: { type: kafka, brokers: [${BROKERS[0]}], topics: [${topic}], group_id: ${group}, batch_size: 200 }`,
      'sinks:',
      `  - { type: elasticsearch, nodes: [${ES_URL}], events_index: ${index}-events, alerts_index: ${index}-alerts, dead_letter: es-dead.ndjson }`,
      'dead_letter: rejected.ndjson',
    ].join('\n'),
  );
  return file;
}

function runProcess(file: string): ChildProcess & { running: Promise<void> } {
  const p = spawn(process.execPath, [join(REPO_ROOT, 'bin/k8s-audit.js'), 'run', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  // The pipeline says "running: …" once its sinks are open and it reads the source.
  const running = new Promise<void>((resolve) => p.stderr!.on('data', (d: Buffer) => ((err += d.toString()), err.includes('running: ') && resolve())));
  return Object.assign(p, { running });
}
const exited = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))));

describe('kafka → elasticsearch pipeline', () => {
  it('indexes exactly N documents for N events, with alerts, cluster headers and dead-lettered poison', async () => {
    const topic = unique('k8sit-raw');
    const dlq = unique('k8sit-dlq');
    const index = unique('k8sit');
    await createTopic(topic);
    const evs = events(1000, index);
    await produce(topic, [...evs.map((e) => ({ key: e.auditID as string, value: JSON.stringify(e), headers: { cluster: 'prod-eu-1' } })), { value: '{not json' }, { value: '{"kind":"Pod"}' }]);

    const config = PipelineConfigSchema.parse({
      cluster: 'fallback',
      source: { type: 'kafka', brokers: BROKERS, topics: [topic], group_id: unique('k8sit-group'), batch_size: 250 },
      sinks: [
        { type: 'elasticsearch', nodes: [ES_URL], events_index: `${index}-events`, alerts_index: `${index}-alerts`, dead_letter: 'es-dead.ndjson' },
        { type: 'kafka', brokers: BROKERS, dead_letter_topic: dlq },
      ],
      dead_letter: 'rejected.ndjson',
    });
    const ac = new AbortController();
    const run = runFromConfig(config, mkdtempSync(join(tmpdir(), 'k8sit-')), ac.signal);
    const started = Date.now();
    await pollUntil('1000 documents', async () => ((await countDocs(client, `${index}-events`)) >= 1000 ? true : undefined));
    const seconds = (Date.now() - started) / 1000;
    ac.abort();
    const stats = await run;
    expect(stats.events).toBe(1000);
    expect(stats.rejected).toBe(2);
    expect(await countDocs(client, `${index}-events`)).toBe(1000);
    expect(await countDocs(client, `${index}-events`, { term: { 'orchestrator.cluster.name': 'prod-eu-1' } })).toBe(1000);

    // "Who deleted secret secret-50?"
    const who = await client.search({ index: `${index}-events`, query: { bool: { filter: [{ term: { 'event.action': 'delete' } }, { term: { 'orchestrator.resource.type': 'secrets' } }, { term: { 'orchestrator.resource.name': 'secret-50' } }] } } });
    expect(who.hits.hits.map((h) => (h._source as { user: { name: string } }).user.name)).toEqual(['mallory@example.com']);

    // The secret-deleted rule fired on each delete, and the alerts are indexed.
    expect(await countDocs(client, `${index}-alerts`, { term: { 'rule.id': 'secret-deleted' } })).toBe(20);

    // Poison messages reached the dead-letter topic with their reasons.
    const consumer = kafka().consumer({ groupId: unique('k8sit-dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    const reasons: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void reasons.push(message.headers!.reason!.toString()) });
    await pollUntil('2 dead letters', () => (reasons.length >= 2 ? true : undefined));
    await consumer.disconnect();
    expect(reasons).toHaveLength(2);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/not valid JSON/), expect.stringMatching(/not recognized as a k8s audit event/)]));
    console.log(`kafka → elasticsearch: 1000 events in ${seconds.toFixed(2)} s (including start-up)`);
  });

  it('loses nothing and duplicates nothing when killed with SIGKILL mid-stream and restarted', async () => {
    const topic = unique('k8sit-raw');
    const index = unique('k8sit');
    const group = unique('k8sit-group');
    await createTopic(topic);
    const n = 6000;
    const produced = events(n, index);
    await produce(topic, produced.map((e) => ({ key: e.auditID as string, value: JSON.stringify(e) })));
    const dir = mkdtempSync(join(tmpdir(), 'k8sit-'));
    const file = pipelineYaml(dir, topic, group, index);

    for (let kill = 0; kill < 2; kill++) {
      const p = runProcess(file);
      const before = await countDocs(client, `${index}-events`);
      // Kill once the pipeline has made some progress, but not all of it.
      await pollUntil('progress', async () => ((await countDocs(client, `${index}-events`)) > before ? true : undefined), 90_000);
      p.kill('SIGKILL');
      await exited(p);
    }
    const p = runProcess(file);
    await pollUntil(`${n} documents`, async () => ((await countDocs(client, `${index}-events`)) >= n ? true : undefined), 120_000);
    // SIGTERM once it runs: a signal during start-up, before its handler exists, just terminates it.
    await p.running;
    p.kill('SIGTERM');
    expect(await exited(p)).toBe(0);
    expect(await countDocs(client, `${index}-events`)).toBe(n);
    // The exact id set (a cardinality aggregation is approximate).
    expect(await indexedAuditIds(client, `${index}-events`)).toEqual(produced.map((e) => e.auditID as string).sort());
  });

  it('shares the partitions between two processes in one consumer group', async () => {
    const topic = unique('k8sit-raw');
    const index = unique('k8sit');
    const group = unique('k8sit-group');
    await createTopic(topic, 4);
    const n = 4000;
    const dir = mkdtempSync(join(tmpdir(), 'k8sit-'));
    const file = pipelineYaml(dir, topic, group, index);
    const a = runProcess(file);
    const b = runProcess(file);
    const admin = kafka().admin();
    await admin.connect();
    const members = await pollUntil('two members with partitions', async () => {
      const d = await admin.describeGroups([group]);
      const g = d.groups[0]!;
      return g.state === 'Stable' && g.members.length === 2 ? g.members : undefined;
    }, 90_000);
    await admin.disconnect();
    expect(members).toHaveLength(2);
    await produce(topic, events(n, index).map((e) => ({ key: e.auditID as string, value: JSON.stringify(e) })));
    await pollUntil(`${n} documents`, async () => ((await countDocs(client, `${index}-events`)) >= n ? true : undefined), 120_000);
    await Promise.all([a.running, b.running]);
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    expect(await exited(a)).toBe(0);
    expect(await exited(b)).toBe(0);
    expect(await countDocs(client, `${index}-events`)).toBe(n);
  });
});
