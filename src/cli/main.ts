// The k8s-audit command line. It parses arguments and starts a pipeline or a query; the work is
// done elsewhere. Exit codes: 0 success, 1 input or configuration errors, 2 usage.
import { Command, CommanderError } from 'commander';
import { AuditPipelineError, ConfigError } from '../core/errors.js';
import { registerQuery } from './query.js';
import { registerRules } from './rules.js';
import { registerRun } from './run.js';
import { registerScan } from './scan.js';
import { registerTune } from './tune.js';
import { registerServe } from './serve.js';
import { registerKibana } from './kibana.js';
import { registerReport } from './report.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('k8s-audit')
    .description('Kubernetes audit events in: who did what, to which object, from where, and was it dangerous.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  registerScan(program);
  registerQuery(program);
  registerRules(program);
  registerRun(program);
  registerTune(program);
  registerServe(program);
  registerKibana(program);
  registerReport(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`k8s-audit: ${p}\n`);
      return 1;
    }
    if (e instanceof AuditPipelineError) {
      process.stderr.write(`k8s-audit: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`k8s-audit: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
