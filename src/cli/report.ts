// k8s-audit report --store FILE -o FILE.html: the self-contained HTML report.
import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (timeline, alerts with evidence, top actors, who did what, rejected input) from the store')
    .requiredOption('--store <file>', 'the SQLite store written by scan/serve/run')
    .requiredOption('-o, --out <file>', 'the HTML file to write')
    .action(async (opts: { store: string; out: string }) => {
      // Loaded when the command runs, not at start-up.
      const { writeReport } = await import('../sinks/report/report.js');
      const d = writeReport(opts.store, opts.out);
      process.stdout.write(`${opts.out}: ${d.totals.requests.toLocaleString('en-US')} requests, ${d.totals.alerts.toLocaleString('en-US')} alerts (${d.alertsBySeverity.critical} critical, ${d.alertsBySeverity.high} high), ${d.totals.rejected} rejected inputs\n`);
    });
}
