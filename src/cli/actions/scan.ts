// k8s-audit scan, the work: files in, alerts on the terminal, optionally the store and documents out.
import { statSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Sink } from '../../core/contracts.js';
import { InputError } from '../../core/errors.js';
import { loadCatalogue } from '../../detect/catalogue.js';
import { loadTuning } from '../../detect/tuning.js';
import { withAlertPolicy } from '../../pipeline/alert-output.js';
import { createProcessor, resolveWorkers } from '../../pipeline/process.js';
import { runPipeline } from '../../pipeline/run.js';
import { createDeadLetterSink } from '../../sinks/dead-letter/sink.js';
import { createAlertsFileSink } from '../../sinks/file/alerts-file-sink.js';
import { createEventsFileSink } from '../../sinks/file/events-sink.js';
import { createSqliteSink } from '../../sinks/sqlite/sink.js';
import { createAlertsSink, type AlertFormat } from '../../sinks/terminal/alerts-sink.js';
import { createRejectsReporter } from '../../sinks/terminal/rejects-sink.js';
import { discoverInputs } from '../../sources/file/discover.js';
import { createFileSource } from '../../sources/file/source.js';
import type { ScanOptions } from '../scan.js';
import { summaryLine } from '../summary.js';

/** Inputs smaller than this finish before a progress bar would be worth drawing. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

export async function scan(paths: string[], opts: ScanOptions): Promise<number> {
  const tuning = loadTuning(opts.config);
  const catalogue = loadCatalogue({ tuning });
  for (const x of catalogue.expiredExceptions) process.stderr.write(`k8s-audit: exception "${x.name}" on rule ${x.rule} expired on ${x.expires} and no longer applies; renew or remove it\n`);
  const format: AlertFormat = opts.alerts ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  const perFile = new Map<string, number>();
  let bar: SingleBar | undefined;
  const files = discoverInputs(paths);
  const totalBytes = files.reduce((sum, f) => sum + (f === '-' ? 0 : statSync(f).size), 0);
  // --out writes documents; the store keeps each event's own JSON.
  const ship = { documents: Boolean(opts.out), events: Boolean(opts.store), facts: Boolean(opts.store) };
  const workers = resolveWorkers(opts.workers, totalBytes, ship);
  const source = createFileSource({
    paths,
    batchSize: opts.batchSize,
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    lineChunks: workers > 0,
    onBytes: (n) => bar?.increment(n, { value_mb: ((bar.getProgress() * totalBytes) / 1048576).toFixed(0) }),
    onFileDone: (f, n) => perFile.set(f, n),
  });
  if (opts.progress !== false && process.stderr.isTTY && totalBytes >= PROGRESS_MIN_BYTES) {
    bar = new SingleBar({ format: 'scanning [{bar}] {percentage}% | {value_mb}/{total_mb} MB | {eta_formatted} left', stream: process.stderr, hideCursor: true, clearOnComplete: true });
    bar.start(totalBytes, 0, { value_mb: 0, total_mb: (totalBytes / 1048576).toFixed(0) });
  }

  const alertsSink = createAlertsSink(format, process.stdout, Boolean(process.stdout.isTTY), opts.minSeverity ?? (format === 'table' ? 'medium' : 'low'));
  const deadLetter = createDeadLetterSink(opts.deadLetter);
  const rejects = createRejectsReporter(process.stderr);
  const sinks: Sink[] = [alertsSink, deadLetter, rejects];
  const store = opts.store ? createSqliteSink(opts.store) : undefined;
  if (store) sinks.push(store);
  if (opts.out) sinks.push(createEventsFileSink(opts.out));
  if (opts.alertsFile) sinks.push(withAlertPolicy(createAlertsFileSink(opts.alertsFile), { throttleWindowMs: 60_000, ...(opts.kibanaUrl ? { link: { kibanaUrl: opts.kibanaUrl } } : {}) }));

  const processor = createProcessor({
    workers,
    defaultCluster: opts.cluster ?? 'default',
    redact: opts.redact,
    catalogue,
    catalogueOptions: { tuning },
    ship,
  });
  let stats;
  try {
    // The store commits on its own thread: keep it fed. Without it, a batch waiting for its write
    // only ages: with 4 in flight more of them outlived two scavenges and went to the old generation
    // (2 in flight: 1 GB scan --out, 196 → 170 MB peak RSS and no more CPU).
    stats = await runPipeline({ source, processor, sinks }, { maxInFlight: store ? 4 : 2 });
  } finally {
    bar?.stop();
  }

  const empty = [...perFile].filter(([, n]) => n === 0).map(([f]) => f);
  process.stderr.write(`${summaryLine(stats, source.files.length, store?.totals, deadLetter.count ? deadLetter.path : undefined)}\n`);
  if (alertsSink.hidden) process.stderr.write(`${alertsSink.hidden} alerts below ${opts.minSeverity ?? 'medium'} not printed (--min-severity low shows them${opts.store ? '; all are in the store' : ''})\n`);
  if (stats.events === 0) {
    throw new InputError(stats.records === 0 ? `no audit events in ${paths.join(', ')}: the input is empty` : `no audit events in ${paths.join(', ')}: all ${stats.rejected} records were rejected (reasons above, kept in ${deadLetter.path})`);
  }
  for (const f of empty) process.stderr.write(`k8s-audit: ${f}: empty file\n`);
  return 0;
}
