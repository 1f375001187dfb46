import type { PipelineStats } from '../pipeline/run.js';
import type { StoreWriteResult } from '../sinks/sqlite/store.js';

export function summaryLine(s: PipelineStats, files: number, store?: StoreWriteResult, deadLetter?: string): string {
  const sev = (['critical', 'high', 'medium', 'low'] as const).filter((k) => s.alertsBySeverity[k] > 0).map((k) => `${s.alertsBySeverity[k]} ${k}`);
  const parts = [
    `${s.events} events from ${files} input${files === 1 ? '' : 's'}`,
    s.rejected ? `${s.rejected} rejected${deadLetter ? ` (kept in ${deadLetter})` : ''}` : '0 rejected',
    `${s.alerts} alert${s.alerts === 1 ? '' : 's'}${sev.length ? ` (${sev.join(', ')})` : ''}`,
  ];
  if (store) parts.push(`store: ${store.events} new, ${store.duplicates} already stored`);
  return parts.join('; ');
}
