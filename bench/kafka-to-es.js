// Kafka → Elasticsearch throughput against the real services (npm run services:up), next to a bare
// bulk loader sending the same pre-built documents to the same node: how much of Elasticsearch's
// own rate the pipeline keeps. Both write into indices of the sink's own template (dynamic mappings
// made the bare loader half as fast), and the pipeline's clock stops when its last document is indexed
// (stopping the consumer took seconds and was counted before). Prints JSON, with the pipeline's CPU
// seconds (Elasticsearch shares these cores); {"skipped": …} when the services are not running.
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
let lines = [];
for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
  if (line) lines.push(line);
  if (lines.length >= N) break;
}
const count = lines.length;
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
// Only the bulk bodies are kept (strings, which a collection does not walk): with the 50,000 parsed
// events alive beside it, the pipeline in this same process spent 12% of its time collecting.
const bodies = (() => {
  const docs = createEnricher({ redact: true })(createDecoder({ defaultCluster: 'bench' }).decode(lines.map((text, i) => ({ text, origin: { source: 'bench', line: i + 1 } }))).events);
  const out = [];
  for (let i = 0; i < docs.length; i += 2000) out.push(docs.slice(i, i + 2000).map((d) => `{"create":{"_id":${JSON.stringify(d.id)}}}\n${d.json()}\n`).join(''));
  return out;
})();
lines = undefined;
async function bareLoad(index) {
  const t = process.hrtime.bigint();
  for (const body of bodies) await es.bulk({ index, operations: body });
  return Number(process.hrtime.bigint() - t) / 1e9;
}
// The same index template as the pipeline's events (the sink installs it on open): the mappings
// decide much of Elasticsearch's cost per document.
const ac = new AbortController();
const sink = createElasticsearchSink(resolveElasticsearchConfig(ElasticsearchSinkSchema.parse({ type: 'elasticsearch', events_index: `${tag}-events`, alerts_index: `${tag}-alerts`, dead_letter: '/dev/null' })), { signal: ac.signal });
await sink.open();
const bareBefore = await bareLoad(`${tag}-events-bare1`);

// The pipeline: consume, decode, enrich, detect, bulk-index, commit.
const cpuBefore = process.cpuUsage();
let done = 0;
let t0;
let tEnd;
const stats = runPipeline(
  {
    source: createKafkaSource(KafkaSourceSchema.parse({ type: 'kafka', topics: [tag], group_id: tag, batch_size: 2000, partitions_consumed_concurrently: Number(process.env.PCC ?? 2) })),
    decoder: createDecoder({ defaultCluster: 'bench' }),
    enrich: createEnricher({ redact: true }),
    detector: createDetector(loadCatalogue()),
    sinks: [sink],
  },
  { signal: ac.signal, maxInFlight: 2, onBatch: () => { t0 ??= process.hrtime.bigint(); } },
);
const watch = setInterval(() => {
  done = sink.stats.indexed + sink.stats.duplicates;
  if (done >= count && tEnd === undefined) {
    // The clock stops when the last document is indexed, not after the consumer has left its group.
    tEnd = process.hrtime.bigint();
    ac.abort();
  }
}, 20);
await stats;
clearInterval(watch);
const pipelineSeconds = Number(tEnd - t0) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const bareAfter = await bareLoad(`${tag}-events-bare2`);
const bareSeconds = (bareBefore + bareAfter) / 2;

await es.indices.delete({ index: `${tag}-*` }).catch(() => undefined);
await admin.connect();
await admin.deleteTopics({ topics: [tag] }).catch(() => undefined);
await admin.disconnect();
await es.close();
process.stdout.write(JSON.stringify({ events: count, pipelineEventsPerSec: Math.round(count / pipelineSeconds), bareBulkEventsPerSec: Math.round(count / bareSeconds), pipelineCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2) }));
