// k8s-audit tune: scan a baseline period and write proposed exceptions for recurring actors to a
// tuning file for review. It never changes the tuning it reads.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Alert, Severity } from '../core/alert.js';
import { SEVERITIES } from '../core/alert.js';
import type { Sink } from '../core/contracts.js';
import { InputError } from '../core/errors.js';
import { DEFAULT_TUNE_OPTIONS, proposeExceptions, renderProposals } from '../detect/tune.js';
import { positiveInt } from './options.js';

interface TuneCliOptions {
  config?: string;
  cluster?: string;
  out: string;
  minOccurrences: number;
  minObjects: number;
  minHours: number;
  belowSeverity: Severity;
  expiresDays: number;
}

function severityArg(v: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`use one of ${SEVERITIES.join(', ')}`);
  return v as Severity;
}

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('read a baseline period of audit logs and propose exceptions for recurring benign actors, as a tuning file to review')
    .argument('<paths...>', 'baseline audit logs: files, directories or - (stdin)')
    .option('--config <file>', 'the tuning already in use: what it silences is not proposed again')
    .option('--cluster <name>', 'the cluster these events come from')
    .option('--out <file>', 'where to write the proposals', 'tuning.proposed.yaml')
    .option('--min-occurrences <n>', 'alerts an actor must raise for one rule before an exception is proposed', positiveInt, DEFAULT_TUNE_OPTIONS.minOccurrences)
    .option('--min-objects <n>', 'distinct objects those alerts must touch', positiveInt, DEFAULT_TUNE_OPTIONS.minDistinctObjects)
    .option('--min-hours <n>', 'distinct clock hours those alerts must fall in (recurring, not one burst)', positiveInt, DEFAULT_TUNE_OPTIONS.minDistinctHours)
    .option('--below-severity <severity>', 'only propose for rules below this severity', severityArg, DEFAULT_TUNE_OPTIONS.maxSeverity)
    .option('--expires-days <n>', 'proposed exceptions expire after this many days', positiveInt, DEFAULT_TUNE_OPTIONS.expiresInDays)
    .action(async (paths: string[], opts: TuneCliOptions) => {
      process.exitCode = await tune(paths, opts);
    });
}

async function tune(paths: string[], opts: TuneCliOptions): Promise<number> {
  // Loaded when the command runs, not at start-up: `--help`, `--version` and the small commands stay fast.
  // (detect/tune.js is small and gives the options their defaults: it stays a static import.)
  const [{ loadCatalogue }, { createDetector }, { loadTuning }, { decodeAndEnrich }, { runPipeline }, { createFileSource }] = await Promise.all([
    import('../detect/catalogue.js'),
    import('../detect/engine.js'),
    import('../detect/tuning.js'),
    import('../pipeline/stages.js'),
    import('../pipeline/run.js'),
    import('../sources/file/source.js'),
  ]);
  const catalogue = loadCatalogue({ tuning: loadTuning(opts.config) });
  const alerts: Alert[] = [];
  const collect: Sink = {
    name: 'tune-baseline',
    write: async (batch) => void alerts.push(...batch.alerts),
    close: async () => {},
  };
  const stats = await runPipeline({
    source: createFileSource({ paths, batchSize: 1000, ...(opts.cluster ? { cluster: opts.cluster } : {}) }),
    ...decodeAndEnrich(catalogue, opts.cluster ?? 'default', true),
    detector: createDetector(catalogue),
    sinks: [collect],
  });
  if (stats.events === 0) throw new InputError(`no audit events in ${paths.join(', ')}: nothing to learn a baseline from`);
  const now = new Date();
  const proposals = proposeExceptions(alerts, {
    minOccurrences: opts.minOccurrences,
    minDistinctObjects: opts.minObjects,
    minDistinctHours: opts.minHours,
    maxSeverity: opts.belowSeverity,
    expiresInDays: opts.expiresDays,
    now,
  });
  writeFileSync(opts.out, renderProposals(proposals, { inputs: paths, alerts: alerts.length, now }));
  process.stderr.write(`k8s-audit: ${stats.events} events, ${alerts.length} alerts; ${proposals.length} exceptions proposed in ${opts.out} — review them before use\n`);
  return 0;
}
