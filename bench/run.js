// npm run bench [-- --json] [-- --size-mb N]: one run of every scenario on the same generated input.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const sizeArg = args.indexOf('--size-mb');
const sizeMB = sizeArg >= 0 ? Number(args[sizeArg + 1]) : 1024;
const dataDir = join(here, '.data');
mkdirSync(dataDir, { recursive: true });
const input = join(dataDir, `cluster-${sizeMB}mb.log`);
const log = (s) => !json && process.stderr.write(`${s}\n`);

if (!existsSync(input) || statSync(input).size < sizeMB * 1048576) {
  log(`generating ${sizeMB} MB of audit log from samples/audit.log …`);
  await generate(input, sizeMB * 1048576, join(here, '..', 'samples'));
}
const bytes = statSync(input).size;

function child(script, ...rest) {
  const r = spawnSync(process.execPath, [join(here, script), input, ...rest], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

log('baseline: line split + JSON.parse …');
const baseline = child('baseline.js');
log('k8s-audit scan end to end …');
const scan = child('scan-worker.js');
log('k8s-audit scan with the catalogue doubled …');
const doubled = child('scan-worker.js', '2');
log('k8s-audit scan --out (documents written to /dev/null) …');
const withOut = child('scan-worker.js', '1', '250', 'file');

let jq;
try {
  execFileSync('jq', ['--version']);
  log("jq -c 'select(.verb==\"delete\")' …");
  const t0 = process.hrtime.bigint();
  execFileSync('sh', ['-c', `jq -c 'select(.verb=="delete")' '${input}' > /dev/null`]);
  jq = { seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
} catch {
  jq = undefined;
}

log('k8s-audit serve: webhook ingestion into the SQLite store …');
const webhook = child('webhook.js');

log('kafka → elasticsearch against the real services (if running) …');
const kafkaToEs = child('kafka-to-es.js', '50000');

const eps = (r) => Math.round(r.events / r.seconds);
const result = {
  input: { bytes, events: baseline.events, avgEventBytes: Math.round(bytes / baseline.events) },
  baseline_json_parse: { eventsPerSec: eps(baseline) },
  scan_end_to_end: { eventsPerSec: eps(scan), ratioToBaseline: +(eps(scan) / eps(baseline)).toFixed(3), peakRssMB: Math.round(scan.maxRssMB), rules: scan.rules, alerts: scan.alerts },
  scan_with_out_file: { eventsPerSec: eps(withOut), peakRssMB: Math.round(withOut.maxRssMB) },
  scan_rules_doubled: { eventsPerSec: eps(doubled), rules: doubled.rules, throughputCost: +(1 - eps(doubled) / eps(scan)).toFixed(3) },
  webhook_ingest: {
    eventsPerSec: webhook.eventsPerSec,
    apiServerMultiple: +(webhook.eventsPerSec / 4000).toFixed(1),
    concurrency: webhook.concurrency,
    requestLatencyMs: webhook.requestLatencyMs,
    alertLatencyMs: webhook.alertLatencyMs,
    paced: webhook.paced,
  },
  kafka_to_elasticsearch: kafkaToEs.skipped
    ? { skipped: kafkaToEs.skipped }
    : { events: kafkaToEs.events, pipelineEventsPerSec: kafkaToEs.pipelineEventsPerSec, bareBulkEventsPerSec: kafkaToEs.bareBulkEventsPerSec, ratioToBareBulk: +(kafkaToEs.pipelineEventsPerSec / kafkaToEs.bareBulkEventsPerSec).toFixed(3) },
  ...(jq ? { jq_select_delete: { eventsPerSec: Math.round(baseline.events / jq.seconds), scanSpeedup: +(eps(scan) / (baseline.events / jq.seconds)).toFixed(2) } } : {}),
};
if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  console.log(`input: ${(bytes / 1048576).toFixed(0)} MB, ${baseline.events} events (${result.input.avgEventBytes} B avg)`);
  console.log(`line split + JSON.parse : ${result.baseline_json_parse.eventsPerSec} events/s`);
  console.log(`k8s-audit scan (e2e)    : ${result.scan_end_to_end.eventsPerSec} events/s  ratio ${result.scan_end_to_end.ratioToBaseline}  peak RSS ${result.scan_end_to_end.peakRssMB} MB  (${scan.rules} rules, ${scan.alerts} alerts)`);
  console.log(`scan --out /dev/null      : ${result.scan_with_out_file.eventsPerSec} events/s  peak RSS ${result.scan_with_out_file.peakRssMB} MB`);
  console.log(`scan, rules doubled     : ${result.scan_rules_doubled.eventsPerSec} events/s  cost ${(result.scan_rules_doubled.throughputCost * 100).toFixed(1)}%`);
  const w = result.webhook_ingest;
  console.log(`webhook serve → SQLite  : ${w.eventsPerSec} events/s accepted (${w.apiServerMultiple}× the API server's ~4,000/s), ${w.concurrency} POSTs in flight; request p50/p99 ${w.requestLatencyMs.p50}/${w.requestLatencyMs.p99} ms`);
  console.log(`webhook alert latency   : p50 ${w.paced.alertLatencyMs.p50} ms, p99 ${w.paced.alertLatencyMs.p99} ms at the API server's pace (10 batches/s); p50 ${w.alertLatencyMs.p50} ms, p99 ${w.alertLatencyMs.p99} ms saturated`);
  const k = result.kafka_to_elasticsearch;
  console.log(k.skipped ? `kafka → elasticsearch    : skipped (${k.skipped})` : `kafka → elasticsearch    : ${k.pipelineEventsPerSec} events/s vs a bare bulk loader's ${k.bareBulkEventsPerSec} events/s on the same node (${(k.ratioToBareBulk * 100).toFixed(0)}%)`);
  if (jq) console.log(`jq select(.verb=="delete"): ${result.jq_select_delete.eventsPerSec} events/s  (scan is ${result.jq_select_delete.scanSpeedup}× jq)`);
}
