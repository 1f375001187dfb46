// k8s-audit scan: read audit logs, detect, print alerts; optionally store and export documents.
import { statSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Severity } from '../core/alert.js';
import { InputError } from '../core/errors.js';
import { createDecoder } from '../decode/decode.js';
import { loadCatalogue } from '../detect/catalogue.js';
import { createDetector } from '../detect/engine.js';
import { loadTuning } from '../detect/tuning.js';
import { createEnricher } from '../enrich/enrich.js';
import { runPipeline } from '../pipeline/run.js';
import { createDeadLetterSink } from '../sinks/dead-letter/sink.js';
import { createEventsFileSink } from '../sinks/file/events-sink.js';
import { createAlertsFileSink } from '../sinks/file/alerts-file-sink.js';
import { withAlertPolicy } from '../pipeline/alert-output.js';
import { createSqliteSink } from '../sinks/sqlite/sink.js';
import { createAlertsSink, type AlertFormat } from '../sinks/terminal/alerts-sink.js';
import { createRejectsReporter } from '../sinks/terminal/rejects-sink.js';
import type { Sink } from '../core/contracts.js';
import { createFileSource } from '../sources/file/source.js';
import { alertFormat, positiveInt, severityArg } from './options.js';
import { summaryLine } from './summary.js';

interface ScanOptions {
  config?: string;
  cluster?: string;
  store?: string;
  out?: string;
  alertsFile?: string;
  kibanaUrl?: string;
  alerts?: AlertFormat;
  minSeverity?: Severity;
  deadLetter: string;
  redact: boolean;
  progress?: boolean;
  batchSize: number;
}

/** Inputs smaller than this finish before a progress bar would be worth drawing. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('read audit logs (JSON lines, EventList/array JSON, .gz, directories of rotated files, - for stdin), detect, report')
    .argument('<paths...>', 'files, directories or - (stdin)')
    .option('--config <file>', 'tuning: allow-lists, exceptions, rule enable/disable, severity floor')
    .option('--cluster <name>', 'the cluster these events come from (orchestrator.cluster.name)')
    .option('--store <file>', 'write events, alerts and rejected input into the embedded SQLite store')
    .option('--out <file>', 'write enriched event documents as NDJSON (Elasticsearch-ready)')
    .option('--alerts-file <file>', 'append alerts as NDJSON; bursts (same rule, actor and object within 60 s) become one alert with a count')
    .option('--kibana-url <url>', 'give alerts a Kibana Discover link to their events (with --alerts-file)')
    .option('--alerts <format>', 'how alerts are printed: table|ndjson|json|none (default: table on a TTY, else ndjson)', alertFormat)
    .option('--min-severity <severity>', 'print alerts at or above this severity (default: medium for table, low otherwise); all are stored', severityArg)
    .option('--dead-letter <file>', 'where rejected input is kept, with its reason', 'rejected.ndjson')
    .option('--no-redact', 'keep secret values and tokens (never do this for data that leaves the machine)')
    .option('--no-progress', 'no progress bar, even on a TTY')
    .option('--batch-size <n>', 'events per batch (small batches keep garbage collection cheap: bench/)', positiveInt, 250)
    .action(async (paths: string[], opts: ScanOptions) => {
      process.exitCode = await scan(paths, opts);
    });
}

async function scan(paths: string[], opts: ScanOptions): Promise<number> {
  const catalogue = loadCatalogue({ tuning: loadTuning(opts.config) });
  for (const x of catalogue.expiredExceptions) process.stderr.write(`k8s-audit: exception "${x.name}" on rule ${x.rule} expired on ${x.expires} and no longer applies; renew or remove it\n`);
  const format: AlertFormat = opts.alerts ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  const perFile = new Map<string, number>();
  let bar: SingleBar | undefined;
  const source = createFileSource({
    paths,
    batchSize: opts.batchSize,
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    onBytes: (n) => bar?.increment(n, { value_mb: ((bar.getProgress() * totalBytes) / 1048576).toFixed(0) }),
    onFileDone: (f, n) => perFile.set(f, n),
  });
  const totalBytes = source.files.reduce((sum, f) => sum + (f === '-' ? 0 : statSync(f).size), 0);
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

  const detector = createDetector(catalogue);
  let stats;
  try {
    stats = await runPipeline({
      source,
      decoder: createDecoder({ defaultCluster: opts.cluster ?? 'default' }),
      enrich: createEnricher({ redact: opts.redact }),
      detector,
      sinks,
    }, { maxInFlight: 4 }); // the store commits on its own thread: keep it fed
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
