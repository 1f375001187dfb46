// Memory over time in a long-lived follow pipeline: `k8s-audit run -c PIPELINE.yaml` (a child
// process: its own core) with a file source that follows audit.log, fed by this process appending
// the samples' traffic (bench/generate.js's mixed input, fresh auditIDs, the current time) at a steady
// rate, as kube-apiserver's log backend does. The child's RSS is read from /proc every few seconds.
// The pipeline is the shape of pipelines/local.yaml: events and alerts into the SQLite store, alerts
// as NDJSON on stdout (discarded here); `--sink ndjson` writes documents to /dev/null instead.
//
// Reported: RSS in the first and the last minute (median and max of the samples in each), the slope
// of RSS over time after the first minute (least squares, MB/min: a leak shows as a steady positive
// slope; a cache filling up shows in the first minute), the peak (VmHWM), anonymous vs file-backed
// RSS, and whether the pipeline kept up (its checkpoint's offset vs the file's size).
//   node bench/follow.js [--minutes 10] [--rate 2000] [--sample-s 5] [--sink sqlite|ndjson] [--dir DIR]
// Prints JSON on stdout; progress on stderr.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { compile, stamps, templatesFor } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const minutes = Number(opt('--minutes', '10'));
const rate = Number(opt('--rate', '2000'));
const sampleS = Number(opt('--sample-s', '5'));
const sinkKind = opt('--sink', 'sqlite');
const quiet = args.includes('--quiet');
const dir = opt('--dir', join(here, '.data', `follow-${process.pid}`));
const log = (s) => !quiet && process.stderr.write(`${s}\n`);
if (!(minutes > 0) || !(rate > 0) || !(sampleS > 0) || !['sqlite', 'ndjson'].includes(sinkKind)) {
  process.stderr.write('usage: node bench/follow.js [--minutes N] [--rate EVENTS_PER_S] [--sample-s S] [--sink sqlite|ndjson]\n');
  process.exit(2);
}

const INCIDENT_EVERY = 100_000;
const { benign, incident } = templatesFor('mixed', join(here, '..', 'samples'));
const lines = benign.map(compile);
const incidentLines = incident.map((e) => ({ auditID: e.auditID, line: compile(e) }));

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const logFile = join(dir, 'audit.log');
const checkpoint = join(dir, 'follow.checkpoint.json');
const config = join(dir, 'pipeline.yaml');
writeFileSync(logFile, '');
writeFileSync(
  config,
  [
    '# bench/follow.js: the shape of pipelines/local.yaml, following this directory\'s audit.log',
    'cluster: bench',
    'source:',
    '  type: file',
    '  path: audit.log',
    '  follow: true',
    '  checkpoint: follow.checkpoint.json',
    '  start_at: beginning',
    'sinks:',
    ...(sinkKind === 'sqlite' ? ['  - type: sqlite', '    path: audit.db'] : ['  - type: ndjson', '    path: /dev/null']),
    '  - type: alerts',
    '    format: ndjson',
    'dead_letter: rejected.ndjson',
    '',
  ].join('\n'),
);

// The pipeline: `k8s-audit run -c`, node running bin/k8s-audit.js directly, so its pid is the one to watch.
// BENCH_NODE_FLAGS adds node flags to the child (--trace-gc, …); BENCH_CHILD_STDOUT keeps its stdout in a file.
const childFlags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
const childStdout = process.env.BENCH_CHILD_STDOUT ? openSync(process.env.BENCH_CHILD_STDOUT, 'w') : 'ignore';
const child = spawn(process.execPath, [...childFlags, join(here, '..', 'bin', 'k8s-audit.js'), 'run', '-c', config], { cwd: dir, stdio: ['ignore', childStdout, 'pipe'] });
let stderr = '';
let exited;
child.stderr.on('data', (d) => {
  stderr = (stderr + d).slice(-4000);
});
const exitedP = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
const fail = async (why) => {
  if (!exited) child.kill('SIGKILL');
  process.stderr.write(`bench/follow.js: ${why}\n${stderr}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
};
process.once('SIGINT', () => fail('interrupted'));

/** VmRSS, RssAnon, RssFile, VmHWM of the pipeline, in MB. */
function memory() {
  const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, anonMB: kb('RssAnon') / 1024, fileMB: kb('RssFile') / 1024, hwmMB: kb('VmHWM') / 1024 };
}
const offset = () => {
  try {
    return JSON.parse(readFileSync(checkpoint, 'utf8')).offset;
  } catch {
    return 0;
  }
};

// Wait until the pipeline is up (it says "running" on stderr) before the clock starts.
for (let i = 0; !/running/.test(stderr); i++) {
  if (exited) await fail(`k8s-audit run exited at start (${JSON.stringify(exited)})`);
  if (i > 300) await fail('k8s-audit run did not start within 30 s');
  await sleep(100);
}
log(`follow: k8s-audit run (pid ${child.pid}, ${sinkKind} sink) fed ${rate} events/s for ${minutes} min; RSS every ${sampleS} s …`);

const fd = openSync(logFile, 'a');
let written = 0;
let bytes = 0;
let next = 0;
const writeUpTo = (target) => {
  const out = [];
  while (written < target) {
    const [received, stage] = stamps(Date.now());
    out.push(lines[next](randomUUID(), received, stage));
    next = (next + 1) % lines.length;
    written++;
    if (written % INCIDENT_EVERY === 0) {
      const ids = new Map();
      for (const e of incidentLines) {
        if (!ids.has(e.auditID)) ids.set(e.auditID, randomUUID());
        out.push(e.line(ids.get(e.auditID), received, stage));
      }
    }
  }
  if (out.length) {
    const s = `${out.join('\n')}\n`;
    bytes += writeSync(fd, s);
  }
};

const durationMs = minutes * 60_000;
const samples = [];
const t0 = Date.now();
let nextSample = 0;
while (Date.now() - t0 < durationMs) {
  const t = Date.now() - t0;
  // As many events as the rate says by now: timer jitter does not change the rate.
  writeUpTo(Math.floor((t / 1000) * rate));
  if (t >= nextSample) {
    if (exited) await fail(`k8s-audit run exited during the run (${JSON.stringify(exited)})`);
    samples.push({ t: t / 1000, ...memory(), lagBytes: bytes - offset() });
    nextSample += sampleS * 1000;
    const last = samples.at(-1);
    if (samples.length % Math.max(1, Math.round(60 / sampleS)) === 1) log(`  ${(t / 60_000).toFixed(1)} min: RSS ${last.rssMB.toFixed(0)} MB (anon ${last.anonMB.toFixed(0)}), ${written} events written, ${(last.lagBytes / 1048576).toFixed(1)} MB behind`);
  }
  await sleep(50);
}
closeSync(fd);
const writeSeconds = (Date.now() - t0) / 1000;
const lagAtEndBytes = bytes - offset();
samples.push({ t: writeSeconds, ...memory(), lagBytes: lagAtEndBytes });

// Let it finish what was written, then stop it as an operator would (SIGTERM).
const caughtUpStart = Date.now();
while (offset() < bytes && Date.now() - caughtUpStart < 120_000 && !exited) await sleep(200);
const caughtUp = offset() >= bytes;
const catchUpSeconds = (Date.now() - caughtUpStart) / 1000;
const final = memory();
child.kill('SIGTERM');
const stop = await Promise.race([exitedP, sleep(30_000).then(() => undefined)]);
if (!stop) child.kill('SIGKILL');
const dbBytes = existsSync(join(dir, 'audit.db')) ? statSync(join(dir, 'audit.db')).size : 0;
rmSync(dir, { recursive: true, force: true });

// First and last minute (a third of the run each when it is shorter than 3 minutes).
const windowS = Math.min(60, writeSeconds / 3);
const inWindow = (from, to) => samples.filter((s) => s.t >= from && s.t <= to);
const summary = (xs, k = 'rssMB') => {
  const v = xs.map((s) => s[k]).sort((a, b) => a - b);
  return { medianMB: Math.round(v[Math.floor(v.length / 2)]), maxMB: Math.round(v.at(-1)), samples: v.length };
};
/** Least-squares slope of `k` over time, MB per minute. */
const slope = (xs, k) => {
  const n = xs.length;
  if (n < 2) return 0;
  const mt = xs.reduce((a, s) => a + s.t, 0) / n;
  const mv = xs.reduce((a, s) => a + s[k], 0) / n;
  const num = xs.reduce((a, s) => a + (s.t - mt) * (s[k] - mv), 0);
  const den = xs.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return den ? (num / den) * 60 : 0;
};
const steady = samples.filter((s) => s.t >= windowS);
const first = inWindow(0, windowS);
const last = inWindow(writeSeconds - windowS, writeSeconds);
const slopeMBPerMin = +slope(steady, 'rssMB').toFixed(2);
const lastMinute = summary(last);
// Flat: the trend after the first minute, carried over the whole run, adds under 5% of the RSS.
const projectedGrowthMB = slopeMBPerMin * (writeSeconds - windowS) / 60;
process.stdout.write(
  `${JSON.stringify({
    minutes,
    windowSeconds: Math.round(windowS),
    sink: sinkKind,
    ratePerSec: rate,
    eventsWritten: written,
    bytesWritten: bytes,
    achievedRatePerSec: Math.round(written / writeSeconds),
    firstMinute: summary(first),
    lastMinute,
    slopeMBPerMin,
    anon: { firstMinute: summary(first, 'anonMB'), lastMinute: summary(last, 'anonMB'), slopeMBPerMin: +slope(steady, 'anonMB').toFixed(2) },
    projectedGrowthMB: +projectedGrowthMB.toFixed(1),
    flat: projectedGrowthMB < 0.05 * lastMinute.medianMB,
    peakRssMB: Math.round(final.hwmMB),
    lagAtEndMB: +(lagAtEndBytes / 1048576).toFixed(1),
    maxLagMB: +(Math.max(...samples.map((s) => s.lagBytes)) / 1048576).toFixed(1),
    caughtUp,
    catchUpSeconds: +catchUpSeconds.toFixed(1),
    storeMB: Math.round(dbBytes / 1048576),
    exit: stop ?? { killed: 'no exit 30 s after SIGTERM' },
    samples: samples.map((s) => ({ t: Math.round(s.t), rssMB: Math.round(s.rssMB), anonMB: Math.round(s.anonMB) })),
  })}\n`,
);
