// `k8s-audit scan FILE --alerts none`, run in-process so the bench can read its peak RSS: decode +
// redact + enrich + every detector + Elasticsearch-ready document serialisation (every document's
// id and JSON as UTF-8 bytes, which the Elasticsearch and NDJSON sinks send). With output `file` the documents
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
/**
 * What an Elasticsearch sink needs of every event, then dropped: its id and its document as UTF-8
 * bytes (encoded here into a reused buffer; on worker threads they were encoded there).
 */
let scratch = Buffer.allocUnsafe(1 << 20);
const serialiseOnly = {
  name: 'serialise',
  async write(batch) {
    for (const e of batch.events) {
      if (e.id.length === 0) throw new Error('no id');
      if (e.documentLine) e.documentLine();
      else {
        const doc = e.json();
        if (doc.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(doc.length * 3);
        scratch.write(doc);
      }
    }
  },
  async close() {},
};
/** `scan` with no --out or --store: alerts are the only output, documents are never built. */
const alertsOnly = { name: 'alerts', async write() {}, async close() {} };
const start = process.hrtime.bigint();
if (times > 1 && Number(workers) > 0) throw new Error('the rule-cost scenario runs on one thread only');
const stages = Number(workers) > 0
  ? { processor: createWorkerPool({ workers: Number(workers), defaultCluster: 'bench', redact: true, catalogue: {}, ship: { documents: output !== 'alerts', events: false, facts: output === 'serialise' }, loaded: catalogue }) }
  : { ...decodeAndEnrich(catalogue, 'bench', true), detector: createDetector(catalogue) };
const stats = await runPipeline({
  source: createFileSource({ paths: [file], batchSize: Number(batchSize), lineChunks: Number(workers) > 0 }),
  ...stages,
  sinks: [output === 'file' ? createEventsFileSink('/dev/null') : output === 'alerts' ? alertsOnly : serialiseOnly],
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ events: stats.events, alerts: stats.alerts, rules: catalogue.rules.length, workers: Number(workers), seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
