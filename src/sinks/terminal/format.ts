// Alerts for people: one row per alert, coloured by severity on a TTY.
import pc from 'picocolors';
import type { Alert, Severity } from '../../core/alert.js';

const paint: Record<Severity, (s: string) => string> = {
  critical: (s) => pc.bold(pc.red(s)),
  high: pc.red,
  medium: pc.yellow,
  low: pc.cyan,
};

export function alertLine(a: Alert, color: boolean): string {
  const sev = a.rule.severity.toUpperCase().padEnd(8);
  const time = a['@timestamp'].replace('T', ' ').slice(0, 19);
  const count = a.alert.count > 1 ? ` (×${a.alert.count})` : '';
  const head = `${time}  ${color ? paint[a.rule.severity](sev) : sev}  ${color ? pc.bold(a.rule.id) : a.rule.id}`;
  return `${head}\n    ${a.message}${count}${a.orchestrator.cluster.name !== 'default' ? `  [${a.orchestrator.cluster.name}]` : ''}`;
}
