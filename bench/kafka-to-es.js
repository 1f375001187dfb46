// Kafka → Elasticsearch throughput against the real services (npm run services:up), next to a bare
// bulk loader sending the same pre-built documents to the same node: how much of Elasticsearch's
// own rate the pipeline keeps. Both write into indices of the sink's own template (dynamic mappings
// made the bare loader half as fast). Prints JSON, with the pipeline's CPU per event (Elasticsearch
// shares these cores); {"skipped": …} when the services are not running.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { createDecoder } from '../dist/decode/decode.js';
import { createEnricher } from '../dist/enrich/enrich.js';
import { ElasticsearchSinkSchema, resolveElasticsearchConfig } from '../dist/sinks/elasticsearch/config.js';
import { createElasticsearchSink } from '../dist/sinks/elasticsearch/sink.js';

const here = dirname(fileURLToPath(import.meta.url));
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
const sink = createElasticsearchSink(resolveElasticsearchConfig(ElasticsearchSinkSchema.parse({ type: 'elasticsearch', events_index: `${tag}-events`, alerts_index: `${tag}-alerts`, dead_letter: '/dev/null' })));
await sink.open();
await sink.close();
const bareBefore = await bareLoad(`${tag}-events-bare1`);

// The pipeline: `k8s-audit run -c` in a child process, as users run it (its own heap, not this
// process's 100 MB of bulk bodies: in-process, a fifth of its time went to collecting them). Its
// clock runs from the first indexed document to the last, read from the index's indexing counter
// (no refresh needed), so start-up and leaving the consumer group are not counted.
const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-bench-k2e-'));
const config = join(dir, 'pipeline.yaml');
writeFileSync(
  config,
  `cluster: bench
source: { type: kafka, brokers: [127.0.0.1:9092], topics: [${tag}], group_id: ${tag}, start_at: earliest, batch_size: 2000 }
sinks:
  - { type: elasticsearch, nodes: [http://127.0.0.1:9200], events_index: ${tag}-events, alerts_index: ${tag}-alerts, dead_letter: ${join(dir, 'es-rejected.ndjson')} }
dead_letter: ${join(dir, 'rejected.ndjson')}
`,
);
const child = spawn(process.execPath, [join(here, '..', 'bin', 'k8s-audit.js'), 'run', '-c', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
const exited = new Promise((r) => child.on('exit', r));
/** Documents indexed into the pipeline's events indices so far (the bare loader's excluded). */
async function indexed() {
  const r = await es.indices.stats({ index: `${tag}-events-*`, metric: 'indexing' });
  let n = 0;
  for (const [name, st] of Object.entries(r.indices ?? {})) if (!name.includes('-bare')) n += st.primaries?.indexing?.index_total ?? 0;
  return n;
}
/** The child's CPU seconds so far, from /proc (Linux; null elsewhere). */
function childCpuSeconds() {
  try {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}
let first;
let t0;
let cpu0;
let tEnd;
let cpu1;
const deadline = Date.now() + 300_000;
for (;;) {
  const n = await indexed();
  const now = process.hrtime.bigint();
  if (n > 0 && first === undefined) [first, t0, cpu0] = [n, now, childCpuSeconds()];
  if (n >= count) {
    [tEnd, cpu1] = [now, childCpuSeconds()];
    break;
  }
  if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the pipeline indexed ${n} of ${count} documents; its stderr:\n${stderr.slice(-2000)}`);
  await new Promise((r) => setTimeout(r, 20));
}
child.kill('SIGTERM');
await exited;
rmSync(dir, { recursive: true, force: true });
const pipelineSeconds = Number(tEnd - t0) / 1e9;
const pipelineEvents = count - first;
const bareAfter = await bareLoad(`${tag}-events-bare2`);
const bareSeconds = (bareBefore + bareAfter) / 2;

await es.indices.delete({ index: `${tag}-*` }).catch(() => undefined);
await admin.connect();
await admin.deleteTopics({ topics: [tag] }).catch(() => undefined);
await admin.disconnect();
await es.close();
process.stdout.write(
  JSON.stringify({
    events: count,
    pipelineEventsPerSec: Math.round(pipelineEvents / pipelineSeconds),
    bareBulkEventsPerSec: Math.round(count / bareSeconds),
    ...(cpu0 != null && cpu1 != null ? { pipelineCpuUsPerEvent: +(((cpu1 - cpu0) * 1e6) / pipelineEvents).toFixed(1) } : {}),
  }),
);
