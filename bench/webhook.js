// Webhook ingestion: `k8s-audit serve` in a child process (its own core) with the embedded SQLite
// store in a temp dir; this process plays kube-apiserver's batch webhook backend on loopback —
// EventLists of 400 events (items without kind/apiVersion), several POSTs in flight, re-sent on
// 429/503. Two phases:
//   1. saturation: C POSTs always in flight — accepted events/s (a 200 means the batch is committed
//      in SQLite), request latency, and alert latency under a full queue;
//   2. the API server's own pace: 10 batches/s of 400 (its --audit-webhook-batch-throttle-qps
//      default, ~4,000 events/s) — the latency from a request's send to each of its alerts
//      appearing on serve's stdout.
// cpuPerEventUs is serve's CPU time per accepted event in phase 1, by thread (main, the store's writer,
// the rest: V8's GC helpers), and this process's own: on a shared 2-core machine it is steadier than
// events/s. BENCH_PROF=DIR writes a --cpu-prof of serve's threads (and prints the phase's monotonic
// window, the profiles' clock, to cut them to it); BENCH_NODE_FLAGS adds node flags (--trace-gc, …).
// --one-core confines serve, all its threads, to CPU 1 and this process to CPU 0 (taskset, Linux):
// what serve takes on one core, with the API server's side of the work off it.
//   node bench/webhook.js INPUT.log [--events N] [--concurrency C] [--paced-batches N] [--tmp DIR] [--one-core]
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const input = args[0];
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const saturationEvents = opt('--events', 200_000);
const concurrency = opt('--concurrency', 8);
const pacedBatches = opt('--paced-batches', 40);
const totalEvents = saturationEvents + pacedBatches * 400;
const BATCH = 400;

// The input's first `totalEvents` events as webhook bodies, built before the clock starts. Bodies are
// Buffers and the parsed events are dropped: this process shares the machine's cores with serve, and a
// heap holding every event made each of its garbage collections walk all of them.
async function buildBatches() {
  const items = [];
  // Leaving the loop closes readline but not the file stream, which went on reading and splitting
  // the rest of a 1 GB input during phase 1 (~30 µs of this process's CPU per accepted event).
  const file = createReadStream(input);
  try {
    for await (const line of createInterface({ input: file, crlfDelay: Infinity })) {
      if (!line) continue;
      const { kind: _k, apiVersion: _a, ...item } = JSON.parse(line);
      items.push(item);
      if (items.length >= totalEvents) break;
    }
  } finally {
    file.destroy();
  }
  const batches = [];
  for (let i = 0; i < items.length; i += BATCH) {
    const part = items.slice(i, i + BATCH);
    batches.push({ ids: part.map((e) => e.auditID), body: Buffer.from(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: part })) });
  }
  return { batches, itemCount: items.length };
}
const { batches, itemCount } = await buildBatches();

// --tmp /dev/shm puts the store on tmpfs: separates the store's disk I/O from the CPU cost.
const tmpArg = args.indexOf('--tmp');
const dir = mkdtempSync(join(tmpArg >= 0 ? args[tmpArg + 1] : tmpdir(), 'k8s-audit-bench-webhook-'));
const nodeFlags = [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];
const child = spawn(process.execPath, [...nodeFlags, join(here, '..', 'bin', 'k8s-audit.js'), 'serve', '--listen', '127.0.0.1:0', '--store', join(dir, 'audit.db'), '--dead-letter', join(dir, 'rejected.ndjson'), '--alerts', 'ndjson', '--cluster', 'bench'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
const url = await new Promise((resolve, reject) => {
  child.stderr.on('data', (d) => {
    stderr += d;
    const m = /listening on (\S+)/.exec(stderr);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
});
const oneCore = args.includes('--one-core');
if (oneCore) {
  // -a: every thread serve has (its store writer, V8's helpers); threads it starts later inherit it.
  execFileSync('taskset', ['-a', '-cp', '1', String(child.pid)], { stdio: 'ignore' });
  execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
}

// auditID → when its batch was sent; an alert's latency is its arrival on stdout minus that.
const sentAt = new Map();
const alertLatencies = [];
createInterface({ input: child.stdout }).on('line', (line) => {
  const now = performance.now();
  try {
    const id = JSON.parse(line).kubernetes?.audit?.auditID;
    const t = sentAt.get(id);
    if (t !== undefined) alertLatencies.push(now - t);
  } catch {
    /* not an alert line */
  }
});

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * CPU milliseconds of each of serve's threads so far, from /proc (Linux; null elsewhere). Wall-clock
 * rates are noisy on a shared machine; CPU per event is not.
 */
function threadCpuMs(pid) {
  try {
    const out = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) out.set(tid, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    return out;
  } catch {
    return null;
  }
}
/** µs of CPU per event between two threadCpuMs samples: the main thread, the busiest other (the store's writer), the rest. */
function cpuPerEvent(before, after, pid, events) {
  if (!before || !after || !events) return null;
  const spent = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)]);
  const main = spent.find(([tid]) => tid === String(pid))?.[1] ?? 0;
  const others = spent.filter(([tid]) => tid !== String(pid)).map(([, ms]) => ms).sort((a, b) => b - a);
  const us = (ms) => +((ms * 1000) / events).toFixed(1);
  return { mainUs: us(main), writerUs: us(others[0] ?? 0), restUs: us(others.slice(1).reduce((a, b) => a + b, 0)) };
}

let retries = 0;
/** Sends one batch until it is accepted (bounded), like the API server's retrying backend. */
async function deliver(b, requestLatencies) {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 200) throw new Error(`a batch was refused 200 times; serve's stderr:\n${stderr.slice(-2000)}`);
    const t = performance.now();
    for (const id of b.ids) sentAt.set(id, t);
    const status = await post(b.body);
    if (status === 200) {
      requestLatencies.push(performance.now() - t);
      return b.ids.length;
    }
    if (status !== 429 && status !== 503) throw new Error(`unexpected status ${status}; serve's stderr:\n${stderr.slice(-2000)}`);
    retries++;
    await new Promise((r) => setTimeout(r, 10));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 500)); // the last alerts are still in the pipe

// Phase 1: saturation.
const saturation = batches.slice(0, Math.ceil(Math.min(saturationEvents, itemCount * 0.75) / BATCH));
const requestLatencies = [];
let next = 0;
let accepted = 0;
const cpuBefore = threadCpuMs(child.pid);
const clientCpuBefore = process.cpuUsage();
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n); // the clock of --cpu-prof's timestamps
const startUs = monotonicUs();
const start = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < saturation.length) {
      const n = await deliver(saturation[next++], requestLatencies);
      accepted += n;
    }
  }),
);
const seconds = (performance.now() - start) / 1000;
const clientCpu = process.cpuUsage(clientCpuBefore);
const cpu = cpuPerEvent(cpuBefore, threadCpuMs(child.pid), child.pid, accepted);
if (cpu) cpu.benchClientUs = +((clientCpu.user + clientCpu.system) / accepted).toFixed(1);
const saturationUs = [startUs, monotonicUs()];
await settle();
const saturatedAlerts = alertLatencies.splice(0);

// Phase 2: the API server's pace, 10 batches/s.
const paced = batches.slice(saturation.length);
const pacedRequests = [];
const pacedStart = performance.now();
await Promise.all(
  paced.map(async (b, i) => {
    await new Promise((r) => setTimeout(r, Math.max(0, pacedStart + i * 100 - performance.now())));
    await deliver(b, pacedRequests);
  }),
);
await settle();
const pacedAlerts = alertLatencies.splice(0);
agent.destroy();
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
rmSync(dir, { recursive: true, force: true });

const pct = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1);
};
process.stdout.write(
  JSON.stringify({
    events: accepted,
    batches: saturation.length,
    concurrency,
    seconds,
    retries,
    eventsPerSec: Math.round(accepted / seconds),
    oneCore,
    cpuPerEventUs: cpu,
    ...(process.env.BENCH_PROF ? { saturationMonotonicUs: saturationUs } : {}),
    requestLatencyMs: { p50: pct(requestLatencies, 50), p99: pct(requestLatencies, 99) },
    alertLatencyMs: { alerts: saturatedAlerts.length, p50: pct(saturatedAlerts, 50), p99: pct(saturatedAlerts, 99) },
    paced: {
      batchesPerSec: 10,
      batches: paced.length,
      requestLatencyMs: { p50: pct(pacedRequests, 50), p99: pct(pacedRequests, 99) },
      alertLatencyMs: { alerts: pacedAlerts.length, p50: pct(pacedAlerts, 50), p99: pct(pacedAlerts, 99) },
    },
  }),
);
