// The HTML report (the embedded default's dashboard): queries over the SQLite store rendered into one
// self-contained file. Chart.js is inlined from node_modules when the report is written, so the
// file opens offline and from an e-mail attachment; its CSP forbids any network access.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AuditStore } from '../sqlite/store.js';
import { renderHtml } from './html.js';
import { readReport, type ReportData } from './queries.js';

/** Chart.js's UMD build (it defines window.Chart); its package exports the ESM/CJS entries only. */
export function chartJsSource(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
}

export function writeReport(storePath: string, outPath: string): ReportData {
  const store = new AuditStore(storePath, { readonly: true });
  try {
    const data = readReport(store);
    writeFileSync(outPath, renderHtml(data, chartJsSource()));
    return data;
  } finally {
    store.close();
  }
}
