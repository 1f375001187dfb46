// Shared by the integration tests: unique names, polling, and producing audit events to the real
// Kafka broker started by `npm run services:up`.
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

export const BROKERS = ['127.0.0.1:9092'];
export const ES_URL = 'http://127.0.0.1:9200';

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export async function pollUntil<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const kafka = () => new Kafka({ clientId: 'k8s-audit-tests', brokers: BROKERS, logLevel: logLevel.NOTHING });
export const es = () => new Client({ node: ES_URL });

export async function createTopic(topic: string, partitions = 3): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
}

export async function produce(topic: string, values: { key?: string; value: string; headers?: Record<string, string> }[]): Promise<void> {
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < values.length; i += 500) await producer.send({ topic, acks: -1, messages: values.slice(i, i + 500) });
  await producer.disconnect();
}

export async function countDocs(client: Client, index: string, query?: object): Promise<number> {
  await client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
  const r = await client.count({ index, allow_no_indices: true, ignore_unavailable: true, ...(query ? { query } : {}) });
  return r.count;
}
