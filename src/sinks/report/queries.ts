// What the HTML report shows, read from the embedded store (src/sinks/sqlite/schema.ts). Requests
// are counted once whatever their number of stages (COUNT(DISTINCT audit_id)).
import type { Alert, Severity } from '../../core/alert.js';
import type { AuditStore } from '../sqlite/store.js';

export interface ReportData {
  generatedAt: string;
  store: string;
  range: { from: string | null; to: string | null };
  totals: { requests: number; events: number; actors: number; alerts: number; rejected: number; clusters: string[] };
  alertsBySeverity: Record<Severity, number>;
  timeline: { bucketSeconds: number; buckets: string[]; byKind: Record<string, number[]>; alerts: number[] };
  alertsByRule: { rule: string; name: string; severity: Severity; count: number }[];
  alerts: ReportAlert[];
  alertsShown: number;
  topActors: { user: string; kind: string | null; requests: number; changes: number; denied: number; alerts: number }[];
  sensitive: { resource: string; title: string; rows: SensitiveRow[]; total: number }[];
  rejected: { total: number; byReason: { reason: string; count: number }[]; bySource: { source: string; count: number }[]; examples: { where: string; reason: string; text: string }[] };
}

export interface ReportAlert {
  id: string;
  ts: string;
  severity: Severity;
  rule: string;
  ruleName: string;
  message: string;
  count: number;
  user: string | null;
  cluster: string;
  mitre: string[];
  evidence: Record<string, unknown>;
}

export interface SensitiveRow {
  ts: string;
  user: string | null;
  effective_user: string | null;
  verb: string;
  message: string | null;
  source_ip: string | null;
  code: number | null;
}

/** Resources whose every change (and, for secrets, every read by a person) someone should be able to account for. */
export const SENSITIVE: { resource: string; title: string; reads?: boolean; subresources?: string[] }[] = [
  { resource: 'secrets', title: 'Secrets', reads: true },
  { resource: 'clusterrolebindings', title: 'Cluster role bindings' },
  { resource: 'rolebindings', title: 'Role bindings' },
  { resource: 'clusterroles', title: 'Cluster roles' },
  { resource: 'roles', title: 'Roles' },
  { resource: 'serviceaccounts', title: 'Service accounts' },
  { resource: 'pods', title: 'Pods: exec, attach, port-forward and ephemeral containers', subresources: ['exec', 'attach', 'portforward', 'ephemeralcontainers'] },
  { resource: 'configmaps', title: 'Config maps' },
  { resource: 'mutatingwebhookconfigurations', title: 'Mutating admission webhooks' },
  { resource: 'validatingwebhookconfigurations', title: 'Validating admission webhooks' },
  { resource: 'daemonsets', title: 'Daemon sets' },
  { resource: 'customresourcedefinitions', title: 'Custom resource definitions' },
  { resource: 'nodes', title: 'Nodes' },
  { resource: 'namespaces', title: 'Namespaces' },
];

const CHANGE_VERBS = "('create','update','patch','delete','deletecollection','escalate','bind','impersonate','approve')";
const MAX_ALERTS = 1000;
const MAX_ROWS_PER_RESOURCE = 100;
const SEVERITY_ORDER = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END";

/** A bucket size giving at most ~120 bars over the range: 1 s … 1 day. */
export function bucketSeconds(fromMs: number, toMs: number): number {
  const span = Math.max(1, (toMs - fromMs) / 1000);
  const steps = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  return steps.find((s) => span / s <= 120) ?? 86400 * Math.ceil(span / 86400 / 120);
}

export function readReport(store: AuditStore, now = new Date()): ReportData {
  const db = store.db;
  const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T;
  const all = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as T[];

  const range = one<{ from: string | null; to: string | null }>('SELECT MIN(ts) AS "from", MAX(ts) AS "to" FROM events');
  const counts = one<{ requests: number; events: number; actors: number }>('SELECT COUNT(DISTINCT audit_id) AS requests, COUNT(*) AS events, COUNT(DISTINCT user) AS actors FROM events');
  const clusters = all<{ cluster: string }>('SELECT DISTINCT cluster FROM events ORDER BY cluster').map((r) => r.cluster);

  const alertsBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const r of all<{ severity: Severity; n: number }>('SELECT severity, COUNT(*) AS n FROM alerts GROUP BY severity')) alertsBySeverity[r.severity] = r.n;
  const alertTotal = Object.values(alertsBySeverity).reduce((a, b) => a + b, 0);

  // Timeline: requests per bucket by actor kind, and alerts per bucket.
  const fromMs = range.from ? Date.parse(range.from) : now.getTime();
  const toMs = range.to ? Date.parse(range.to) : now.getTime();
  const step = bucketSeconds(fromMs, toMs);
  const first = Math.floor(fromMs / 1000 / step) * step;
  const n = Math.floor((Math.floor(toMs / 1000) - first) / step) + 1;
  const buckets = Array.from({ length: range.from ? n : 0 }, (_, i) => new Date((first + i * step) * 1000).toISOString());
  const epoch = "CAST(strftime('%s', substr(ts, 1, 19)) AS INTEGER)";
  const byKind: Record<string, number[]> = {};
  for (const r of all<{ b: number; kind: string | null; n: number }>(`SELECT CAST((${epoch} - ?) / ? AS INTEGER) AS b, actor_kind AS kind, COUNT(DISTINCT audit_id) AS n FROM events GROUP BY b, kind`, first, step)) {
    if (r.b < 0 || r.b >= buckets.length) continue;
    const k = r.kind ?? 'unknown';
    (byKind[k] ??= new Array<number>(buckets.length).fill(0))[r.b] = r.n;
  }
  const alertBuckets = new Array<number>(buckets.length).fill(0);
  for (const r of all<{ b: number; n: number }>(`SELECT CAST((${epoch} - ?) / ? AS INTEGER) AS b, COUNT(*) AS n FROM alerts GROUP BY b`, first, step)) {
    if (r.b >= 0 && r.b < alertBuckets.length) alertBuckets[r.b] = r.n;
  }

  const alertsByRule = all<{ rule: string; name: string; severity: Severity; count: number }>(
    `SELECT rule_id AS rule, rule_name AS name, severity, COUNT(*) AS count FROM alerts GROUP BY rule_id ORDER BY ${SEVERITY_ORDER}, count DESC, rule_id`,
  );
  const alerts = all<{ doc: string }>(`SELECT doc FROM alerts ORDER BY ${SEVERITY_ORDER}, ts LIMIT ?`, MAX_ALERTS).map(({ doc }) => {
    const a = JSON.parse(doc) as Alert;
    return {
      id: a.alert.id, ts: a['@timestamp'], severity: a.rule.severity, rule: a.rule.id, ruleName: a.rule.name, message: a.message, count: a.alert.count,
      user: a.user.name || null, cluster: a.orchestrator.cluster.name, mitre: a.rule.mitre, evidence: a.evidence,
    };
  });

  const topActors = all<ReportData['topActors'][number]>(
    `SELECT COALESCE(user, '(none)') AS user, MAX(actor_kind) AS kind, COUNT(DISTINCT audit_id) AS requests,
       COUNT(DISTINCT CASE WHEN verb IN ${CHANGE_VERBS} THEN audit_id END) AS changes,
       COUNT(DISTINCT CASE WHEN code IN (401, 403) THEN audit_id END) AS denied,
       (SELECT COUNT(*) FROM alerts a WHERE a.user = e.user) AS alerts
     FROM events e GROUP BY e.user ORDER BY alerts DESC, changes DESC, requests DESC LIMIT 20`,
  );

  const sensitive: ReportData['sensitive'] = [];
  for (const s of SENSITIVE) {
    const where = s.subresources
      ? `resource = ? AND subresource IN (${s.subresources.map(() => '?').join(',')})`
      : `resource = ? AND subresource IS NULL AND (verb IN ${CHANGE_VERBS}${s.reads ? " OR (verb IN ('get','list') AND actor_kind IN ('human','anonymous'))" : ''})`;
    const args = [s.resource, ...(s.subresources ?? [])];
    // One row per request: its last stage.
    const sql = `SELECT ts, user, effective_user, verb, message, source_ip, code FROM events WHERE id IN (SELECT MAX(id) FROM events WHERE ${where} GROUP BY audit_id)`;
    const total = one<{ n: number }>(`SELECT COUNT(*) AS n FROM (${sql})`, ...args).n;
    if (!total) continue;
    sensitive.push({ resource: s.resource, title: s.title, total, rows: all<SensitiveRow>(`${sql} ORDER BY ts DESC LIMIT ?`, ...args, MAX_ROWS_PER_RESOURCE).reverse() });
  }

  const rejectedTotal = one<{ n: number }>('SELECT COUNT(*) AS n FROM rejected').n;
  const rejected: ReportData['rejected'] = {
    total: rejectedTotal,
    byReason: all('SELECT reason, COUNT(*) AS count FROM rejected GROUP BY reason ORDER BY count DESC LIMIT 20'),
    bySource: all('SELECT source, COUNT(*) AS count FROM rejected GROUP BY source ORDER BY count DESC LIMIT 20'),
    examples: all<{ source: string; line: number | null; item: number | null; reason: string; text: string }>('SELECT source, line, item, reason, text FROM rejected ORDER BY id LIMIT 10').map((r) => ({
      where: `${r.source}${r.line !== null ? `:${r.line}` : ''}${r.item !== null ? `#${r.item}` : ''}`,
      reason: r.reason,
      text: r.text.length > 300 ? `${r.text.slice(0, 300)}…` : r.text,
    })),
  };

  return {
    generatedAt: now.toISOString(), store: store.path, range,
    totals: { ...counts, alerts: alertTotal, rejected: rejectedTotal, clusters },
    alertsBySeverity, timeline: { bucketSeconds: step, buckets, byKind, alerts: alertBuckets },
    alertsByRule, alerts, alertsShown: Math.min(alertTotal, MAX_ALERTS), topActors, sensitive, rejected,
  };
}
