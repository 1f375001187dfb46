// Smoke test of the local services started by `npm run services:up` (scripts/services/):
// Kafka on 127.0.0.1:9092 and Elasticsearch on 127.0.0.1:9200, with the client libraries the
// project uses (kafkajs 2.2.4, @elastic/elasticsearch 9.x). It fails when a service is down.
// Every name carries a random suffix and everything created is removed afterwards.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { Client } from '@elastic/elasticsearch';
import { pollUntil } from './helpers.js';

const KAFKA_HOST = '127.0.0.1';
const KAFKA_PORT = 9092;
const ES_HOST = '127.0.0.1';
const ES_PORT = 9200;

const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** Fails fast, with the remedy in the message, when nothing listens on host:port. */
function assertListening(service: string, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(3000);
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`${service} is not reachable on ${host}:${port} (${reason}); start it with \`npm run services:up\``));
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail('timeout'));
    socket.once('error', (err) => fail(err.message));
  });
}

describe('Kafka on 127.0.0.1:9092 with kafkajs', () => {
  const kafka = new Kafka({
    clientId: `services-smoke-${suffix}`,
    brokers: [`${KAFKA_HOST}:${KAFKA_PORT}`],
    connectionTimeout: 3000,
    retry: { retries: 3 },
    logLevel: logLevel.NOTHING,
  });
  const topic = `services-smoke-${suffix}`;
  const autoTopic = `services-smoke-auto-${suffix}`;
  const groupId = `services-smoke-${suffix}`;
  const messageCount = 30;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    await assertListening('Kafka', KAFKA_HOST, KAFKA_PORT);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic, autoTopic], timeout: 10_000 }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('creates a topic with 3 partitions', async () => {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('produces keyed messages to every partition', async () => {
    const results = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: messageCount }, (_, i) => ({ key: `key-${i}`, value: JSON.stringify({ i }) })),
    });
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(messageCount);
  });

  it('consumes with a consumer group and commits offsets', async () => {
    const received: number[] = [];
    // A short fetch long-poll keeps disconnect() quick (it waits for the fetch in flight).
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const c = consumer;
    await c.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        received.push((JSON.parse(message.value?.toString() ?? '{}') as { i: number }).i);
        await c.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    await pollUntil('all messages to be consumed', () => (received.length >= messageCount ? true : undefined));
    expect([...received].sort((a, b) => a - b)).toEqual(Array.from({ length: messageCount }, (_, i) => i));

    // Committed offsets are stored by the broker: they equal each partition's high watermark.
    const high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    const committed = await pollUntil('committed offsets', async () => {
      const [forTopic] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const partitions = forTopic?.partitions ?? [];
      return partitions.length === 3 && partitions.every((p) => p.offset === high.get(p.partition)) ? partitions : undefined;
    });
    expect(committed).toHaveLength(3);

    await c.disconnect();
    consumer = undefined;
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]?.state).toBe('Empty');
  });

  it('auto-creates a topic on first produce (auto.create.topics.enable)', async () => {
    const results = await producer.send({ topic: autoTopic, messages: [{ value: 'first' }] });
    expect(results[0]?.errorCode).toBe(0);
    const metadata = await admin.fetchTopicMetadata({ topics: [autoTopic] });
    expect(metadata.topics[0]?.partitions.length).toBeGreaterThanOrEqual(1);
  });
});

describe('Elasticsearch on 127.0.0.1:9200 with @elastic/elasticsearch', () => {
  const es = new Client({ node: `http://${ES_HOST}:${ES_PORT}`, requestTimeout: 15_000, maxRetries: 1 });
  const templateName = `services-smoke-${suffix}`;
  const index = `services-smoke-${suffix}-000001`;
  const users = ['alice', 'bob', 'alice', 'system:serviceaccount:kube-system:deployment-controller', 'alice', 'bob'];

  beforeAll(async () => {
    await assertListening('Elasticsearch', ES_HOST, ES_PORT);
  });

  afterAll(async () => {
    await es.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
    await es.indices.deleteIndexTemplate({ name: templateName }).catch(() => undefined);
    await es.close();
  });

  it('reports cluster health yellow or green', async () => {
    const health = await es.cluster.health({ wait_for_status: 'yellow', timeout: '30s' });
    expect(health.timed_out).toBe(false);
    expect(['green', 'yellow']).toContain(health.status);
  });

  it('answers GET / and HEAD / (client.info, client.ping) as a 9.x server', async () => {
    const info = await es.info();
    expect(info.version.number).toMatch(/^9\./);
    expect(await es.ping()).toBe(true);
  });

  it('applies a composable index template to a new index', async () => {
    const put = await es.indices.putIndexTemplate({
      name: templateName,
      index_patterns: [`services-smoke-${suffix}-*`],
      priority: 500,
      template: {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          dynamic: 'strict',
          properties: {
            '@timestamp': { type: 'date' },
            event: { properties: { action: { type: 'keyword' } } },
            user: { properties: { name: { type: 'keyword' } } },
          },
        },
      },
    });
    expect(put.acknowledged).toBe(true);
    await es.indices.create({ index });
    const mapping = await es.indices.getMapping({ index });
    const properties = mapping[index]?.mappings.properties;
    expect(properties?.['@timestamp']?.type).toBe('date');
    expect(mapping[index]?.mappings.dynamic).toBe('strict');
  });

  it('bulk-indexes documents with idempotent ids', async () => {
    const operations = users.flatMap((name, i) => [
      { index: { _index: index, _id: `audit-${i}-ResponseComplete` } },
      { '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), event: { action: i % 2 ? 'get' : 'delete' }, user: { name } },
    ]);
    const first = await es.bulk({ operations, refresh: true });
    expect(first.errors).toBe(false);
    expect(first.items).toHaveLength(users.length);
    // The same ids again: documents are replaced, not duplicated.
    const again = await es.bulk({ operations, refresh: true });
    expect(again.errors).toBe(false);
    expect(again.items.every((item) => item.index?.result === 'updated')).toBe(true);
    expect((await es.count({ index })).count).toBe(users.length);
  });

  it('searches with a terms aggregation', async () => {
    const result = await es.search<unknown, { users: { buckets: Array<{ key: string; doc_count: number }> } }>({
      index,
      size: 0,
      query: { term: { 'event.action': 'delete' } },
      aggs: { users: { terms: { field: 'user.name', size: 10 } } },
    });
    const buckets = result.aggregations?.users.buckets ?? [];
    // event.action is 'delete' for the even positions: alice, alice, alice.
    expect(buckets).toEqual([{ key: 'alice', doc_count: 3 }]);

    const all = await es.search<unknown, { users: { buckets: Array<{ key: string; doc_count: number }> } }>({
      index,
      size: 0,
      aggs: { users: { terms: { field: 'user.name', size: 10 } } },
    });
    expect(Object.fromEntries((all.aggregations?.users.buckets ?? []).map((b) => [b.key, b.doc_count]))).toEqual({
      alice: 3,
      bob: 2,
      'system:serviceaccount:kube-system:deployment-controller': 1,
    });
  });
});
