// Shared by the fault-injection tests: seeded randomness (the seed is logged so a failure can be
// replayed with FAULT_SEED=…), test events, the set of auditIDs an index holds, committed offsets,
// and an in-process Kafka → Elasticsearch pipeline whose sink and source can be watched.
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { loadCatalogue } from '../../src/detect/catalogue.js';
import { createDecoder } from '../../src/decode/decode.js';
import { createDetector } from '../../src/detect/engine.js';
import { createEnricher } from '../../src/enrich/enrich.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { resolveElasticsearchConfig, ElasticsearchSinkSchema } from '../../src/sinks/elasticsearch/config.js';
import { createElasticsearchSink } from '../../src/sinks/elasticsearch/sink.js';
import { KafkaSourceSchema } from '../../src/sources/kafka/config.js';
import { createKafkaSource } from '../../src/sources/kafka/source.js';
import { auditEvent } from '../helpers/events.js';

/** mulberry32: small, fast, good enough to pick kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function faultSeed(): number {
  const fromEnv = Number(process.env.FAULT_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}

export function auditEvents(n: number, tag: string, from = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const verb = i % 50 === 0 ? 'delete' : 'get';
    return auditEvent({ auditID: `${tag}-${String(i).padStart(6, '0')}`, verb, objectRef: { resource: 'secrets', namespace: 'shop', name: `secret-${i}` }, user: { username: i % 50 === 0 ? 'mallory@example.com' : 'alice@example.com' } });
  });
}

export const asMessages = (evs: Record<string, unknown>[]) => evs.map((e) => ({ key: e.auditID as string, value: JSON.stringify(e) }));

/** Every auditID in the index (composite aggregation, so it is exact at any size). */
export async function indexedAuditIds(client: Client, index: string): Promise<string[]> {
  await client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
  const ids: string[] = [];
  let after: Record<string, string> | undefined;
  for (;;) {
    const r = await client.search({
      index,
      size: 0,
      aggs: { ids: { composite: { size: 5000, sources: [{ id: { terms: { field: 'kubernetes.audit.auditID' } } }], ...(after ? { after } : {}) } } },
    });
    const agg = r.aggregations!.ids as { buckets: { key: { id: string }; doc_count: number }[]; after_key?: Record<string, string> };
    for (const b of agg.buckets) for (let i = 0; i < b.doc_count; i++) ids.push(b.key.id);
    if (!agg.after_key || agg.buckets.length === 0) return ids.sort();
    after = agg.after_key;
  }
}

/** The sum over partitions of the group's committed offsets (what a restart would resume from). */
export async function committedTotal(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface InProcessPipelineOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  esNode: string;
  index: string;
  deadLetter: string;
  batchSize?: number;
}

/** Kafka → decode → enrich → detect → Elasticsearch, in this process, so the test can watch the sink. */
export function startInProcessPipeline(o: InProcessPipelineOptions) {
  const ac = new AbortController();
  const log: string[] = [];
  const source = createKafkaSource(KafkaSourceSchema.parse({ type: 'kafka', brokers: o.brokers, topics: [o.topic], group_id: o.groupId, batch_size: o.batchSize ?? 100, session_timeout_ms: 10_000 }), {
    log: (m) => log.push(`kafka: ${m}`),
  });
  const es = resolveElasticsearchConfig(
    ElasticsearchSinkSchema.parse({ type: 'elasticsearch', nodes: [o.esNode], events_index: `${o.index}-events`, alerts_index: `${o.index}-alerts`, dead_letter: o.deadLetter, retry_initial_ms: 100, retry_max_ms: 2000, request_timeout_ms: 10_000 }),
    {},
  );
  const sink = createElasticsearchSink(es, { signal: ac.signal, log: (m) => log.push(`elasticsearch: ${m}`) });
  const run = runPipeline(
    { source, decoder: createDecoder({ defaultCluster: 'fault' }), enrich: createEnricher({ redact: true }), detector: createDetector(loadCatalogue()), sinks: [sink] },
    { signal: ac.signal },
  );
  return { ac, run, sink, source, log };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
