// k8s-audit query: who-did-what look-ups over the embedded store.
import type { Command } from 'commander';
import type { EventQuery, EventRow } from '../sinks/sqlite/query.js';
import { positiveInt, timeArg } from './options.js';

interface QueryOptions extends EventQuery {
  store: string;
  format: 'table' | 'ndjson';
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('who did what: look up events in the embedded store')
    .requiredOption('--store <file>', 'the SQLite store written by scan/serve/run')
    .option('--user <name>', 'the user, or the identity they impersonated')
    .option('--verb <verb>', 'get, list, create, update, patch, delete, …')
    .option('--resource <resource>', 'pods, secrets, clusterrolebindings, …')
    .option('--namespace <ns>', 'the namespace')
    .option('--name <name>', "the object's name")
    .option('--cluster <name>', 'the cluster')
    .option('--since <time>', 'from this time: ISO, date, or 15m/2h/7d ago', timeArg)
    .option('--until <time>', 'up to this time', timeArg)
    .option('--limit <n>', 'at most this many rows', positiveInt, 1000)
    .option('--format <format>', 'table or ndjson', 'table')
    .addHelpText('after', '\nExamples:\n  k8s-audit query --store audit.db --verb delete --resource secrets --name db-credentials   # who deleted it\n  k8s-audit query --store audit.db --user alice@example.com --since 2026-11-20T09:00:00Z --until 2026-11-20T10:00:00Z\n  k8s-audit query --store audit.db --namespace shop --verb patch')
    .action(async (opts: QueryOptions) => {
      // Loaded when the command runs, not at start-up (SQLite's native module included).
      const [{ queryEvents }, { AuditStore }] = await Promise.all([import('../sinks/sqlite/query.js'), import('../sinks/sqlite/store.js')]);
      const store = new AuditStore(opts.store, { readonly: true });
      try {
        const { store: _s, format, ...q } = opts;
        const rows = queryEvents(store, q);
        if (format === 'ndjson') for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        else process.stdout.write(table(rows));
      } finally {
        store.close();
      }
    });
}

function table(rows: EventRow[]): string {
  if (rows.length === 0) return 'no matching events\n';
  const cols: [string, (r: EventRow) => string][] = [
    ['TIME', (r) => r.ts.replace('T', ' ').slice(0, 23)],
    ['USER', (r) => (r.effective_user ? `${r.user} (as ${r.effective_user})` : (r.user ?? ''))],
    ['VERB', (r) => r.verb],
    ['OBJECT', (r) => [r.resource + (r.subresource ? `/${r.subresource}` : ''), r.namespace ? `${r.namespace}/${r.name ?? ''}` : (r.name ?? '')].filter(Boolean).join(' ')],
    ['CODE', (r) => String(r.code ?? '')],
    ['SOURCE', (r) => r.source_ip ?? ''],
    ['CLUSTER', (r) => r.cluster],
  ];
  const cells = rows.map((r) => cols.map(([, f]) => f(r)));
  const widths = cols.map(([h], i) => Math.min(60, Math.max(h.length, ...cells.map((c) => c[i]!.length))));
  const line = (vals: string[]) => vals.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(cols.map(([h]) => h)), ...cells.map(line)].join('\n')}\n${rows.length} request${rows.length === 1 ? '' : 's'}\n`;
}
