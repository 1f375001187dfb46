// Kafka → Elasticsearch throughput against the real services (npm run services:up), next to a bare
// bulk loader sending the same pre-built documents to the same node: how much of Elasticsearch's
// own rate the pipeline keeps. Prints JSON; {"skipped": …} when the services are not running.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { createDecoder } from '../dist/decode/decode.js';
import { loadCatalogue } from '../dist/detect/catalogue.js';
import { createDetector } from '../dist/detect/engine.js';
import { createEnricher } from '../dist/enrich/enrich.js';
import { runPipeline } from '../dist/pipeline/run.js';
import { ElasticsearchSinkSchema, resolveElasticsearchConfig } from '../dist/sinks/elasticsearch/config.js';
import { createElasticsearchSink } from '../dist/sinks/elasticsearch/sink.js';
import { KafkaSourceSchema } from '../dist/sources/kafka/config.js';
import { createKafkaSource } from '../dist/sources/kafka/source.js';

const [file, countArg = '50000'] = process.argv.slice(2);
const N = Number(countArg);
const tag = `bench-${Date.now().toString(36)}`;
const es = new Client({ node: 'http://127.0.0.1:9200' });
try {
  await es.cluster.health({ timeout: '2s' });
} catch {
  process.stdout.write(JSON.stringify({ skipped: 'Elasticsearch is not running on 127.0.0.1:9200; run npm run services:up' }));
  process.exit(0);
}
// The first N lines only: the input may be larger than one string can hold.
const lines = [];
for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
  if (line) lines.push(line);
  if (lines.length >= N) break;
}
const kafka = new Kafka({ clientId: 'bench', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: tag, numPartitions: 4 }], waitForLeaders: true });
await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
for (let i = 0; i < lines.length; i += 2000) await producer.send({ topic: tag, acks: -1, messages: lines.slice(i, i + 2000).map((value) => ({ value })) });
await producer.disconnect();

// The bare loader: the same documents, pre-serialised, bulk-created in the same chunk size. Run
// before and after the pipeline (the node warms up and its indices grow); the mean is the baseline.
const docs = createEnricher({ redact: true })(createDecoder({ defaultCluster: 'bench' }).decode(lines.map((text, i) => ({ text, origin: { source: 'bench', line: i + 1 } }))).events);
async function bareLoad(index) {
  const bodies = [];
  for (let i = 0; i < docs.length; i += 2000) {
    bodies.push(docs.slice(i, i + 2000).map((d) => `{"create":{"_index":"${index}","_id":${JSON.stringify(d.id)}}}\n${d.json()}\n`).join(''));
  }
  const t = process.hrtime.bigint();
  for (const body of bodies) await es.bulk({ operations: body });
  return Number(process.hrtime.bigint() - t) / 1e9;
}
const bareBefore = await bareLoad(`${tag}-bare1`);

// The pipeline: consume, decode, enrich, detect, bulk-index, commit.
const ac = new AbortController();
const sink = createElasticsearchSink(resolveElasticsearchConfig(ElasticsearchSinkSchema.parse({ type: 'elasticsearch', events_index: `${tag}-events`, alerts_index: `${tag}-alerts`, dead_letter: '/dev/null' })), { signal: ac.signal });
let done = 0;
let t0;
const stats = runPipeline(
  {
    source: createKafkaSource(KafkaSourceSchema.parse({ type: 'kafka', topics: [tag], group_id: tag, batch_size: 2000 })),
    decoder: createDecoder({ defaultCluster: 'bench' }),
    enrich: createEnricher({ redact: true }),
    detector: createDetector(loadCatalogue()),
    sinks: [sink],
  },
  { signal: ac.signal, maxInFlight: 2, onBatch: () => { t0 ??= process.hrtime.bigint(); } },
);
const watch = setInterval(() => {
  done = sink.stats.indexed + sink.stats.duplicates;
  if (done >= lines.length) ac.abort();
}, 20);
await stats;
clearInterval(watch);
const pipelineSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const bareAfter = await bareLoad(`${tag}-bare2`);
const bareSeconds = (bareBefore + bareAfter) / 2;

await es.indices.delete({ index: `${tag}-*` }).catch(() => undefined);
await admin.connect();
await admin.deleteTopics({ topics: [tag] }).catch(() => undefined);
await admin.disconnect();
await es.close();
process.stdout.write(JSON.stringify({ events: lines.length, pipelineEventsPerSec: Math.round(lines.length / pipelineSeconds), bareBulkEventsPerSec: Math.round(lines.length / bareSeconds) }));
