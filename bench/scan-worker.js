// `k8s-audit scan FILE --alerts none`, run in-process so the bench can read its peak RSS: decode +
// redact + enrich + every detector + Elasticsearch-ready document serialisation (every document's
// JSON is built, as the Elasticsearch and NDJSON sinks build it). With output `file` the documents
// are also written to /dev/null as `--out` writes them.
import { createDecoder } from '../dist/decode/decode.js';
import { loadCatalogue } from '../dist/detect/catalogue.js';
import { createDetector } from '../dist/detect/engine.js';
import { createEnricher } from '../dist/enrich/enrich.js';
import { runPipeline } from '../dist/pipeline/run.js';
import { createEventsFileSink } from '../dist/sinks/file/events-sink.js';
import { createFileSource } from '../dist/sources/file/source.js';

const [file, rulesMultiplier = '1', batchSize = '250', output = 'serialise'] = process.argv.slice(2);
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
const start = process.hrtime.bigint();
const stats = await runPipeline({
  source: createFileSource({ paths: [file], batchSize: Number(batchSize) }),
  decoder: createDecoder({ defaultCluster: 'bench' }),
  enrich: createEnricher({ redact: true }),
  detector: createDetector(catalogue),
  sinks: [output === 'file' ? createEventsFileSink('/dev/null') : serialiseOnly],
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ events: stats.events, alerts: stats.alerts, rules: catalogue.rules.length, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
