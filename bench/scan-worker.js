// `k8s-audit scan FILE --alerts none`, run in-process so the bench can read its peak RSS: decode +
// redact + enrich + every detector + Elasticsearch-ready document serialisation (every document's
// JSON is built, as the Elasticsearch and NDJSON sinks build it). With output `file` the documents
// are also written to /dev/null as `--out` writes them; with output `alerts` no document is built
// (plain `scan`: alerts are its only output). With workers > 0 decode, enrich and matching
// run on that many worker threads (the pool `scan --workers` uses).
import { loadCatalogue } from '../dist/detect/catalogue.js';
import { createDetector } from '../dist/detect/engine.js';
import { createWorkerPool } from '../dist/pipeline/parallel/pool.js';
import { runPipeline } from '../dist/pipeline/run.js';
import { decodeAndEnrich } from '../dist/pipeline/stages.js';
import { createEventsFileSink } from '../dist/sinks/file/events-sink.js';
import { createFileSource } from '../dist/sources/file/source.js';

const [file, rulesMultiplier = '1', batchSize = '250', output = 'serialise', workers = '0'] = process.argv.slice(2);
const catalogue = loadCatalogue();
const times = Number(rulesMultiplier);
// Rule-cost scenario: the catalogue repeated, as if it had `times` as many rules.
if (times > 1) catalogue.rules = Array.from({ length: times }, (_, i) => catalogue.rules.map((r) => ({ ...r, spec: { ...r.spec, id: `${r.spec.id}-${i}` } }))).flat();
/** Builds every document's JSON and drops it: serialisation without I/O. */
const serialiseOnly = {
  name: 'serialise',
  async write(batch) {
    for (const e of batch.events) e.json();
  },
  async close() {},
};
/** `scan` with no --out or --store: alerts are the only output, documents are never built. */
const alertsOnly = { name: 'alerts', async write() {}, async close() {} };
const start = process.hrtime.bigint();
if (times > 1 && Number(workers) > 0) throw new Error('the rule-cost scenario runs on one thread only');
const stages = Number(workers) > 0
  ? { processor: createWorkerPool({ workers: Number(workers), defaultCluster: 'bench', redact: true, catalogue: {}, ship: { documents: output !== 'alerts', events: false }, loaded: catalogue }) }
  : { ...decodeAndEnrich(catalogue, 'bench', true), detector: createDetector(catalogue) };
const stats = await runPipeline({
  source: createFileSource({ paths: [file], batchSize: Number(batchSize), lineChunks: Number(workers) > 0 }),
  ...stages,
  sinks: [output === 'file' ? createEventsFileSink('/dev/null') : output === 'alerts' ? alertsOnly : serialiseOnly],
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ events: stats.events, alerts: stats.alerts, rules: catalogue.rules.length, workers: Number(workers), seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
