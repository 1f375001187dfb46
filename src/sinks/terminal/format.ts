// Alerts for people: one row per alert (or per burst), coloured by severity on a TTY.
import pc from 'picocolors';
import type { Alert, Severity } from '../../core/alert.js';

const paint: Record<Severity, (s: string) => string> = {
  critical: (s) => pc.bold(pc.red(s)),
  high: pc.red,
  medium: pc.yellow,
  low: pc.cyan,
};

/** How close in time alerts of one rule and actor must be to fold into one row. */
const BURST_MS = 5 * 60_000;

export interface AlertGroup {
  first: Alert;
  more: Alert[];
}

/** Folds alerts of the same rule, actor and cluster that follow each other within BURST_MS. */
export function groupAlerts(sorted: Alert[]): AlertGroup[] {
  const groups: AlertGroup[] = [];
  const open = new Map<string, { group: AlertGroup; last: number }>();
  for (const a of sorted) {
    const key = `${a.rule.id}\0${a.user.name}\0${a.user.effective?.name ?? ''}\0${a.orchestrator.cluster.name}`;
    const t = Date.parse(a['@timestamp']);
    const g = open.get(key);
    if (g && t - g.last <= BURST_MS) {
      g.group.more.push(a);
      g.last = t;
    } else {
      const group = { first: a, more: [] };
      groups.push(group);
      open.set(key, { group, last: t });
    }
  }
  return groups;
}

export function alertLine(a: Alert, color: boolean, more: Alert[] = []): string {
  const sev = a.rule.severity.toUpperCase().padEnd(8);
  const time = a['@timestamp'].replace('T', ' ').slice(0, 19);
  const count = a.alert.count > 1 ? ` (×${a.alert.count})` : '';
  const head = `${time}  ${color ? paint[a.rule.severity](sev) : sev}  ${color ? pc.bold(a.rule.id) : a.rule.id}`;
  const cluster = a.orchestrator.cluster.name !== 'default' ? `  [${a.orchestrator.cluster.name}]` : '';
  let line = `${head}\n    ${a.message}${count}${cluster}`;
  if (more.length) {
    const objects = [...new Set(more.map((m) => m.kubernetes.audit.objectRef?.name).filter(Boolean))];
    const shown = objects.slice(0, 4).join(', ');
    line += `\n    … and ${more.length} more like it until ${more[more.length - 1]!['@timestamp'].slice(11, 19)}${shown ? ` (${shown}${objects.length > 4 ? ', …' : ''})` : ''}`;
  }
  return line;
}
