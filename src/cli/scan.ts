// k8s-audit scan: read audit logs, detect, print alerts; optionally store and export documents.
// The work is in actions/scan.ts, loaded when a scan runs: `--help` and the other commands start fast.
import type { Command } from 'commander';
import type { Severity } from '../core/alert.js';
import type { AlertFormat } from '../sinks/terminal/alerts-sink.js';
import { alertFormat, positiveInt, severityArg, workersArg } from './options.js';

export interface ScanOptions {
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
  workers: number | 'auto';
}

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
    .option('--workers <n>', 'worker threads for decode, enrich and matching: a number, 0 for none, or auto (one per core for 256 MB or more of input without --store)', workersArg, 'auto')
    .action(async (paths: string[], opts: ScanOptions) => {
      const { scan } = await import('./actions/scan.js');
      process.exitCode = await scan(paths, opts);
    });
}

