// k8s-audit rules list | test: the detector catalogue and its own test events.
import type { Command } from 'commander';

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('the detector catalogue');
  rules
    .command('list')
    .description('list every rule with its severity, ATT&CK techniques and equivalents in Falco, Elastic and Sigma')
    .option('--config <file>', 'tuning file, to show what it enables and disables')
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { config?: string; format: string }) => {
      // Loaded when the command runs, not at start-up: the other commands need none of it.
      const [{ loadCatalogue }, { loadTuning }] = await Promise.all([import('../detect/catalogue.js'), import('../detect/tuning.js')]);
      const catalogue = loadCatalogue({ tuning: loadTuning(opts.config) });
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(catalogue.all.map(({ spec, file, enabled }) => ({ ...spec, enabled, file })), null, 2)}\n`);
        return;
      }
      for (const { spec, enabled } of catalogue.all) {
        const refs = Object.entries(spec.references).map(([k, v]) => `${k}: ${[v].flat().join(' / ')}`).join('; ');
        process.stdout.write(`${spec.id.padEnd(40)} ${spec.severity.padEnd(8)} ${enabled ? '' : '(off) '}${spec.name}${spec.mitre.length ? ` [${spec.mitre.join(', ')}]` : ''}${refs ? `\n${' '.repeat(50)}${refs}` : ''}\n`);
      }
      process.stdout.write(`${catalogue.all.length} rules, ${catalogue.all.filter((r) => r.enabled).length} enabled\n`);
    });
  rules
    .command('test')
    .description("run every rule's own test events (detectors/**: tests.fire must fire, tests.quiet must not)")
    .action(async () => {
      const [{ loadCatalogue }, { runRuleTests }, { parseTuning }] = await Promise.all([import('../detect/catalogue.js'), import('../detect/rule-tests.js'), import('../detect/tuning.js')]);
      // Every rule is tested, including those shipped switched off.
      const catalogue = loadCatalogue({ tuning: parseTuning({ rules: { enable: ['*'] } }, 'rules test') });
      const report = runRuleTests(catalogue);
      for (const f of report.failures) process.stderr.write(`FAIL ${f.rule} (${f.file}) tests.${f.kind}[${f.index}]: ${f.problem}\n`);
      process.stdout.write(`${report.cases - report.failures.length} passed, ${report.failures.length} failed\n`);
      process.exitCode = report.failures.length ? 1 : 0;
    });
}
