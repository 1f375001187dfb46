// npm run bench [-- --json] [-- OPTIONS]: one run of every scenario of the performance issue, each
// figure printed next to the baseline it is compared to. Every scenario runs in its own child process
// (one core each), one after another.
//
// Scenarios (--only / --skip take a comma-separated list of these names):
//   mixed             the samples as logged (mostly Metadata level): line split + JSON.parse floor, scan
//                     end to end, scan --out, scan with the catalogue doubled, jq
//   metadata          Metadata-level input (~1.1 KB events): floor, scan, jq
//   request-response  RequestResponse-level input (~5 KB events, realistic bodies): floor, scan, jq
//   webhook           k8s-audit serve: webhook → SQLite, saturated and at the API server's pace
//   kafka             Kafka → Elasticsearch against the real services (skipped when not running)
//   memory            peak RSS of `k8s-audit scan` over a 2 GB input (generated only for this scenario)
//   follow            RSS over time of `k8s-audit run` following a file fed at a steady rate
//   startup           CLI start-up: --version, --help, rules list, next to bare `node -e 0`
// Options:
//   --size-mb N         mixed and Metadata inputs (default 1024)
//   --rr-size-mb N      RequestResponse input (default a quarter of --size-mb)
//   --memory-size-mb N  the memory scenario's input (default 2048)
//   --follow-minutes N  length of the follow run (default 10); --follow-rate N events/s (default 2000)
//   --follow-sink sqlite|ndjson (default sqlite, as pipelines/local.yaml)
// Inputs are generated into bench/.data/ (git-ignored) once and reused.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateInput, INPUTS } from './generate.js';
import { measureStartup } from './startup.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const list = (name) => (opt(name) ? opt(name).split(',') : undefined);
const sizeMB = Number(opt('--size-mb', '1024'));
const rrSizeMB = Number(opt('--rr-size-mb', String(Math.max(1, Math.round(sizeMB / 4)))));
const memorySizeMB = Number(opt('--memory-size-mb', '2048'));
const followMinutes = opt('--follow-minutes', '10');
const followRate = opt('--follow-rate', '2000');
const followSink = opt('--follow-sink', 'sqlite');
const SCENARIOS = ['mixed', 'metadata', 'request-response', 'webhook', 'kafka', 'memory', 'follow', 'startup'];
const only = list('--only');
const skip = list('--skip') ?? [];
for (const s of [...(only ?? []), ...skip]) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}: use ${SCENARIOS.join(', ')}`);
const runs = (s) => (only ? only.includes(s) : true) && !skip.includes(s);

// Scan runs per input: one line each. scan-worker.js INPUT [rulesMultiplier] [batchSize] [output] [workers];
// workers 0 runs decode, enrich and detection inline on the main thread (one core).
// The first is the headline (every document built, Elasticsearch-ready); alerts-only is plain
// `scan` (no --out/--store), where worker threads pay off (src/pipeline/process.ts resolveWorkers).
const SCAN_VARIANTS = [
  { key: 'scan_end_to_end', label: 'scan e2e, one core', workers: 0 },
  { key: 'scan_end_to_end_2_workers', label: 'scan e2e, 2 worker threads', workers: 2 },
  { key: 'scan_alerts_only', label: 'scan, alerts only, one core', workers: 0, output: 'alerts' },
  { key: 'scan_alerts_only_2_workers', label: 'scan, alerts only, 2 worker threads', workers: 2, output: 'alerts' },
];
// Extra scan runs on the mixed input only.
const MIXED_EXTRAS = [
  { key: 'scan_with_out_file', label: 'scan --out /dev/null, one core', output: 'file' },
  { key: 'scan_with_out_file_2_workers', label: 'scan --out /dev/null, 2 worker threads', output: 'file', workers: 2 },
  { key: 'scan_rules_doubled', label: 'scan, rules doubled', rules: 2 },
];

const dataDir = join(here, '.data');
mkdirSync(dataDir, { recursive: true });
const log = (s) => !json && process.stderr.write(`${s}\n`);
const load = () => loadavg().map((x) => +x.toFixed(2));
const machine = { cpus: cpus().length, node: process.version, loadavgAtStart: load() };
// Printed first (on stderr, with --json too): a run on a busy machine is visible as such.
process.stderr.write(`machine: ${machine.cpus} cores, load average ${machine.loadavgAtStart.join(' ')} (1/5/15 min) at start${machine.loadavgAtStart[0] > 0.5 ? ' — not quiet: figures will be low and noisy' : ''}\n`);

/** bench/.data/<file> of `kind` at `mb`, generated unless already there (written aside, then renamed). */
async function input(kind, mb) {
  const file = join(dataDir, INPUTS[kind].file(mb));
  if (!existsSync(file) || statSync(file).size < mb * 1048576) {
    log(`generating ${mb} MB ${kind} input (${INPUTS[kind].describe}) …`);
    const tmp = `${file}.${process.pid}.tmp`;
    await generateInput(kind, tmp, mb * 1048576, join(here, '..', 'samples'));
    renameSync(tmp, file);
  }
  return file;
}

function child(script, ...rest) {
  const r = spawnSync(process.execPath, [join(here, script), ...rest], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const scanRun = (file, { rules = 1, batch = 250, output = 'serialise', workers = 0 } = {}) => child('scan-worker.js', file, String(rules), String(batch), output, String(workers));
const eps = (r) => Math.round(r.events / r.seconds);

function jqRun(file, events) {
  try {
    execFileSync('jq', ['--version']);
  } catch {
    return undefined;
  }
  const t0 = process.hrtime.bigint();
  execFileSync('sh', ['-c', `jq -c 'select(.verb=="delete")' '${file}' > /dev/null`]);
  return { eventsPerSec: Math.round(events / (Number(process.hrtime.bigint() - t0) / 1e9)) };
}

/** One input: its floor, the scan variants (and `extras`), jq — each compared with the floor or with jq. */
async function inputScenario(kind, mb, extras = []) {
  const file = await input(kind, mb);
  const bytes = statSync(file).size;
  log(`${kind}: line split + JSON.parse …`);
  const baseline = child('baseline.js', file);
  const out = {
    input: { kind, describe: INPUTS[kind].describe, file: `bench/.data/${INPUTS[kind].file(mb)}`, bytes, events: baseline.events, avgEventBytes: Math.round(bytes / baseline.events) },
    baseline_json_parse: { eventsPerSec: eps(baseline) },
  };
  for (const v of SCAN_VARIANTS) {
    log(`${kind}: ${v.label} …`);
    const s = scanRun(file, { workers: v.workers, ...(v.output ? { output: v.output } : {}) });
    out[v.key] = { eventsPerSec: eps(s), ratioToBaseline: +(eps(s) / eps(baseline)).toFixed(3), target: 0.8, workers: v.workers, cpuSeconds: s.cpuSeconds, peakRssMB: Math.round(s.maxRssMB), rules: s.rules, alerts: s.alerts };
  }
  const scan = out[SCAN_VARIANTS[0].key];
  for (const x of extras) {
    log(`${kind}: ${x.label} …`);
    const s = scanRun(file, x);
    out[x.key] = { eventsPerSec: eps(s), peakRssMB: Math.round(s.maxRssMB), rules: s.rules };
    if (x.rules > 1) Object.assign(out[x.key], { throughputCost: +(1 - eps(s) / scan.eventsPerSec).toFixed(3), target: 0.2 });
  }
  log(`${kind}: jq -c 'select(.verb=="delete")' …`);
  const jq = jqRun(file, baseline.events);
  // Two comparisons: the headline scan (every document built), and `k8s-audit scan FILE` as typed —
  // alerts only, which on 2+ cores and 64 MB+ runs on worker threads (--workers auto).
  const plain = out.scan_alerts_only_2_workers;
  if (jq) out.jq_select_delete = { eventsPerSec: jq.eventsPerSec, scanSpeedup: +(scan.eventsPerSec / jq.eventsPerSec).toFixed(2), plainScanSpeedup: plain ? +(plain.eventsPerSec / jq.eventsPerSec).toFixed(2) : undefined, target: 1 };
  return out;
}

/**
 * `k8s-audit scan FILE --alerts none --out /dev/null` in a child (bench/cli-rss.js: the CLI, reporting its
 * own peak RSS when done), its RSS also read from /proc every second to show how it grows.
 */
async function memoryScenario() {
  const file = await input('mixed', memorySizeMB);
  const bytes = statSync(file).size;
  // One thread (what --workers auto picks with --out), then two worker threads, reported apart.
  const one = await peakRss(file, 0);
  const two = await peakRss(file, 2);
  return {
    ...one,
    input: { bytes, events: one.events },
    targetMB: 256,
    met: one.peakRssMB < 256,
    twoWorkers: { command: two.command, eventsPerSec: two.eventsPerSec, cpuSeconds: two.cpuSeconds, peakRssMB: two.peakRssMB, maxRssByQuarterMB: two.maxRssByQuarterMB },
  };
}

/** `scan --out /dev/null` of the 2 GB input through bench/cli-rss.js: its exact peak RSS, RSS by quarter, events/s and CPU seconds. */
async function peakRss(file, workers) {
  const cmd = ['scan', file, '--alerts', 'none', '--out', '/dev/null', '--no-progress', '--dead-letter', '/dev/null', '--workers', String(workers)];
  log(`memory: k8s-audit ${cmd.join(' ')} …`);
  const t0 = Date.now();
  const c = spawn(process.execPath, [join(here, 'cli-rss.js'), ...cmd], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let report = '';
  c.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  c.stdio[3].on('data', (d) => (report += d));
  const samples = [];
  const timer = setInterval(() => {
    try {
      const s = readFileSync(`/proc/${c.pid}/status`, 'utf8');
      samples.push({ t: (Date.now() - t0) / 1000, rssMB: Number(/^VmRSS:\s+(\d+) kB/m.exec(s)?.[1] ?? 0) / 1024 });
    } catch {
      // exited between the tick and the read
    }
  }, 1000);
  const code = await new Promise((r) => c.once('close', r));
  clearInterval(timer);
  const seconds = (Date.now() - t0) / 1000;
  if (code !== 0) throw new Error(`k8s-audit scan exited ${code}: ${stderr}`);
  const { maxRssMB, cpuSeconds } = JSON.parse(report);
  const events = Number(/^(\d+) events/m.exec(stderr)?.[1] ?? NaN);
  const quarter = (i) => {
    const xs = samples.filter((s) => s.t >= (i * seconds) / 4 && s.t < ((i + 1) * seconds) / 4).map((s) => s.rssMB);
    return xs.length ? Math.round(Math.max(...xs)) : null;
  };
  return {
    command: `k8s-audit ${cmd.join(' ').replace(file, `bench/.data/${INPUTS.mixed.file(memorySizeMB)}`)}`,
    events,
    eventsPerSec: Math.round(events / seconds),
    // The machine is shared: CPU seconds compare runs better than wall time.
    cpuSeconds: +cpuSeconds.toFixed(1),
    peakRssMB: Math.round(maxRssMB),
    maxRssByQuarterMB: [0, 1, 2, 3].map(quarter),
  };
}

const result = { machine, scenarios: SCENARIOS.filter(runs) };
if (runs('mixed')) {
  const m = await inputScenario('mixed', sizeMB, MIXED_EXTRAS);
  // The mixed input's figures stay at the top level, where earlier runs (and the README) have them.
  Object.assign(result, m);
}
if (runs('metadata')) result.metadata_level = await inputScenario('metadata', sizeMB);
if (runs('request-response')) result.request_response_level = await inputScenario('request-response', rrSizeMB);
if (runs('webhook')) {
  log('k8s-audit serve: webhook ingestion into the SQLite store …');
  const file = await input('mixed', sizeMB);
  // Three runs, the median reported: on this shared 2-core machine one run's rate varies by ±15%.
  const runs3 = [0, 1, 2].map(() => child('webhook.js', file)).sort((a, b) => a.eventsPerSec - b.eventsPerSec);
  const w = runs3[1];
  const pinned = machine.cpus >= 2 && process.platform === 'linux' ? child('webhook.js', file, '--one-core') : undefined;
  result.webhook_ingest = {
    eventsPerSec: w.eventsPerSec,
    runsEventsPerSec: runs3.map((r) => r.eventsPerSec),
    apiServerMultiple: +(w.eventsPerSec / 4000).toFixed(1),
    target: 40_000,
    concurrency: w.concurrency,
    cpuPerEventUs: w.cpuPerEventUs,
    requestLatencyMs: w.requestLatencyMs,
    alertLatencyMs: w.alertLatencyMs,
    paced: w.paced,
    ...(pinned ? { oneCore: { eventsPerSec: pinned.eventsPerSec, cpuPerEventUs: pinned.cpuPerEventUs, requestLatencyMs: pinned.requestLatencyMs } } : {}),
  };
}
if (runs('kafka')) {
  log('kafka → elasticsearch against the real services (if running) …');
  const k = child('kafka-to-es.js', await input('mixed', sizeMB), '50000');
  result.kafka_to_elasticsearch = k.skipped
    ? { skipped: k.skipped }
    : { events: k.events, pipelineEventsPerSec: k.pipelineEventsPerSec, bareBulkEventsPerSec: k.bareBulkEventsPerSec, ratioToBareBulk: +(k.pipelineEventsPerSec / k.bareBulkEventsPerSec).toFixed(3), target: 0.9, ...(k.pipelineCpuUsPerEvent === undefined ? {} : { pipelineCpuUsPerEvent: k.pipelineCpuUsPerEvent }) };
}
if (runs('memory')) result.memory_2gb = await memoryScenario();
if (runs('follow')) {
  log(`follow: k8s-audit run -c (file source, follow) fed ${followRate} events/s for ${followMinutes} min …`);
  const r = spawnSync(process.execPath, [join(here, 'follow.js'), '--minutes', followMinutes, '--rate', followRate, '--sink', followSink, ...(json ? ['--quiet'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error('follow.js failed');
  result.follow_memory = JSON.parse(r.stdout);
}
if (runs('startup')) {
  log('CLI start-up (7 runs each, interleaved) …');
  result.cli_startup = measureStartup(7);
}
machine.loadavgAtEnd = load();

if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const n = (x) => x.toLocaleString('en-US');
  const p = (label, text) => console.log(`  ${label.padEnd(34)}: ${text}`);
  const printInput = (r) => {
    console.log(`input ${r.input.kind} (${r.input.describe}): ${(r.input.bytes / 1048576).toFixed(0)} MB, ${n(r.input.events)} events, ${n(r.input.avgEventBytes)} B avg`);
    p('line split + JSON.parse (floor)', `${n(r.baseline_json_parse.eventsPerSec)} events/s`);
    for (const v of SCAN_VARIANTS) {
      const s = r[v.key];
      p(v.label, `${n(s.eventsPerSec)} events/s = ${s.ratioToBaseline}× the floor (target ≥ ${s.target}×); peak RSS ${s.peakRssMB} MB; ${s.rules} rules, ${n(s.alerts)} alerts`);
    }
    for (const x of MIXED_EXTRAS.filter((x) => x.output === 'file' && r[x.key])) p(x.label, `${n(r[x.key].eventsPerSec)} events/s = ${(r[x.key].eventsPerSec / r.baseline_json_parse.eventsPerSec).toFixed(3)}× the floor; peak RSS ${r[x.key].peakRssMB} MB`);
    if (r.scan_rules_doubled) p(`scan, rules doubled (${r.scan_rules_doubled.rules})`, `${n(r.scan_rules_doubled.eventsPerSec)} events/s: ${Math.abs(r.scan_rules_doubled.throughputCost * 100).toFixed(1)}% ${r.scan_rules_doubled.throughputCost >= 0 ? 'slower' : 'faster (noise)'} than ${r[SCAN_VARIANTS[0].key].rules} rules (target < 20% slower)`);
    if (r.jq_select_delete) p(`jq select(.verb=="delete")`, `${n(r.jq_select_delete.eventsPerSec)} events/s; scan with documents is ${r.jq_select_delete.scanSpeedup}× jq, plain \`scan FILE\` ${r.jq_select_delete.plainScanSpeedup ?? '–'}× (target > 1×)`);
    else p('jq', 'not installed (apt-get install jq)');
  };
  console.log(`machine: ${machine.cpus} cores, Node ${machine.node}; load average ${machine.loadavgAtStart.join(' ')} at start, ${machine.loadavgAtEnd.join(' ')} at end`);
  if (runs('mixed')) printInput(result);
  if (result.metadata_level) printInput(result.metadata_level);
  if (result.request_response_level) printInput(result.request_response_level);
  const w = result.webhook_ingest;
  if (w) {
    console.log('webhook (k8s-audit serve → SQLite)');
    p('accepted, saturated', `${n(w.eventsPerSec)} events/s (median of ${w.runsEventsPerSec.map(n).join(', ')}) = ${w.apiServerMultiple}× the API server's ~4,000/s (target ${n(w.target)}); ${w.concurrency} POSTs in flight; request p50/p99 ${w.requestLatencyMs.p50}/${w.requestLatencyMs.p99} ms`);
    if (w.cpuPerEventUs) p('serve CPU per event', `main thread ${w.cpuPerEventUs.mainUs} µs, store writer ${w.cpuPerEventUs.writerUs} µs, V8 helpers ${w.cpuPerEventUs.restUs} µs (the bench client: ${w.cpuPerEventUs.benchClientUs} µs)`);
    if (w.oneCore) p('serve confined to one core', `${n(w.oneCore.eventsPerSec)} events/s (the client on the other core)`);
    p('alert latency', `p50 ${w.paced.alertLatencyMs.p50} ms, p99 ${w.paced.alertLatencyMs.p99} ms at the API server's pace (10 batches/s); p50 ${w.alertLatencyMs.p50} ms, p99 ${w.alertLatencyMs.p99} ms saturated`);
  }
  const k = result.kafka_to_elasticsearch;
  if (k) console.log(k.skipped ? `kafka → elasticsearch: skipped (${k.skipped})` : `kafka → elasticsearch: ${n(k.pipelineEventsPerSec)} events/s vs a bare bulk loader's ${n(k.bareBulkEventsPerSec)} events/s on the same node and index template (${(k.ratioToBareBulk * 100).toFixed(0)}%, target ≥ 90%); the pipeline (run -c, a child process) used ${k.pipelineCpuUsPerEvent ?? '?'} µs of CPU per event, on the cores Elasticsearch uses`);
  const m = result.memory_2gb;
  if (m) {
    console.log(`memory: ${m.command}`);
    p(`${(m.input.bytes / 1048576).toFixed(0)} MB, ${n(m.input.events)} events, one thread`, `peak RSS ${m.peakRssMB} MB (target < ${m.targetMB} MB: ${m.met ? 'met' : 'NOT met'}); max RSS by quarter of the run ${m.maxRssByQuarterMB.map((x) => x ?? '–').join(' / ')} MB; ${n(m.eventsPerSec)} events/s, ${m.cpuSeconds} CPU s`);
    const t = m.twoWorkers;
    if (t) p('the same, 2 worker threads', `peak RSS ${t.peakRssMB} MB; max RSS by quarter ${t.maxRssByQuarterMB.map((x) => x ?? '–').join(' / ')} MB; ${n(t.eventsPerSec)} events/s, ${t.cpuSeconds} CPU s`);
  }
  const f = result.follow_memory;
  if (f) {
    console.log(`follow: k8s-audit run -c (file source following audit.log → ${f.sink}, alerts), ${f.minutes} min at ${n(f.achievedRatePerSec)} events/s (${n(f.eventsWritten)} events)`);
    const w2 = f.windowSeconds === 60 ? 'minute' : `${f.windowSeconds} s`;
    p(`RSS first ${w2} → last ${w2}`, `median ${f.firstMinute.medianMB} → ${f.lastMinute.medianMB} MB, max ${f.firstMinute.maxMB} → ${f.lastMinute.maxMB} MB; peak ${f.peakRssMB} MB`);
    p(`slope after the first ${w2}`, `${f.slopeMBPerMin} MB/min (anonymous memory ${f.anon.slopeMBPerMin} MB/min): ${f.flat ? 'flat' : 'NOT flat'} (${f.projectedGrowthMB} MB over the run; flat = under 5% of RSS)`);
    p('kept up', `${f.caughtUp ? 'yes' : 'NO'}: at most ${f.maxLagMB} MB behind; ${f.lagAtEndMB} MB behind when writing stopped, caught up in ${f.catchUpSeconds} s`);
  }
  const s = result.cli_startup;
  if (s) {
    console.log(`CLI start-up (median of 7; min) vs node -e 0: ${s.node.medianMs} ms (${s.node.minMs})`);
    p('k8s-audit --version', `${s.version.medianMs} ms (${s.version.minMs})`);
    p('k8s-audit --help', `${s.help.medianMs} ms (${s.help.minMs})`);
    p('k8s-audit rules list', `${s.rulesList.medianMs} ms (${s.rulesList.minMs})`);
  }
}
