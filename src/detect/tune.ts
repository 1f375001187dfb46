// `k8s-audit tune`: from the alerts of a baseline period, propose exceptions for actors that raise the
// same rule again and again, as a tuning file a person reviews before adopting. Nothing is applied.
//
// An actor is (rule, user, user-agent product). A proposal is made when the actor raised the rule at
// least `minOccurrences` times, on at least `minDistinctObjects` objects (one object hit repeatedly is
// one noisy thing, better fixed than excepted), in at least `minDistinctHours` clock hours (recurring,
// not one burst: a burst is an incident to read, not a habit to silence), and the rule is below `maxSeverity` (critical rules are
// never proposed: they should be fixed or disabled knowingly). Scopes are as narrow as the baseline
// allows: the namespace when every alert had the same one, the user agent's product ("Helm/*") when
// every alert had it. Anonymous actors are never excepted.
import { toYaml } from '../core/yaml.js';
import { severityRank, type Alert, type Severity } from '../core/alert.js';
import type { ExceptionSpec } from './rule-schema.js';

export interface TuneOptions {
  minOccurrences: number;
  minDistinctObjects: number;
  /** Distinct clock hours the alerts must fall in: recurring, not one burst (a burst is an incident to read). */
  minDistinctHours: number;
  /** Proposals only for rules below this severity. */
  maxSeverity: Severity;
  /** Proposed exceptions expire this many days after `now`, so they are reviewed again. */
  expiresInDays: number;
  now: Date;
}

export const DEFAULT_TUNE_OPTIONS: TuneOptions = { minOccurrences: 5, minDistinctObjects: 2, minDistinctHours: 2, maxSeverity: 'critical', expiresInDays: 90, now: new Date() };

export interface Proposal {
  exception: ExceptionSpec;
  rule: { id: string; name: string; severity: Severity };
  occurrences: number;
  objects: number;
  first: string;
  last: string;
  example: string;
}

interface Group {
  rule: Alert['rule'];
  user: string;
  product: string | undefined;
  alerts: Alert[];
}

/** "Helm/3.14.0 (linux/amd64)" → "Helm/*"; "kubectl/v1.30.2 (…)" → "kubectl/*". */
export function userAgentProduct(ua: string | undefined): string | undefined {
  const m = ua ? /^([A-Za-z][\w.-]*)\//.exec(ua) : null;
  return m ? `${m[1]}/*` : undefined;
}

const objectOf = (a: Alert) => {
  const r = a.kubernetes.audit.objectRef;
  return r ? `${r.resource ?? ''}/${r.namespace ?? ''}/${r.name ?? ''}` : a.kubernetes.audit.requestURI;
};

export function proposeExceptions(alerts: readonly Alert[], options: Partial<TuneOptions> = {}): Proposal[] {
  const o = { ...DEFAULT_TUNE_OPTIONS, ...options };
  const groups = new Map<string, Group>();
  for (const a of alerts) {
    if (severityRank(a.rule.severity) >= severityRank(o.maxSeverity)) continue;
    const user = a.user.name;
    if (!user || user === 'system:anonymous') continue;
    const product = userAgentProduct(a.user_agent?.original);
    const key = `${a.rule.id}\0${user}\0${product ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule: a.rule, user, product, alerts: [] }));
    g.alerts.push(a);
  }
  const expires = new Date(o.now.getTime() + o.expiresInDays * 86_400_000).toISOString().slice(0, 10);
  const proposals: Proposal[] = [];
  for (const g of groups.values()) {
    const objects = new Set(g.alerts.map(objectOf));
    const hours = new Set(g.alerts.map((a) => a['@timestamp'].slice(0, 13)));
    if (g.alerts.length < o.minOccurrences || objects.size < o.minDistinctObjects || hours.size < o.minDistinctHours) continue;
    const namespaces = new Set(g.alerts.map((a) => a.kubernetes.audit.objectRef?.namespace ?? ''));
    const allSameUa = g.product !== undefined && g.alerts.every((a) => userAgentProduct(a.user_agent?.original) === g.product);
    const times = g.alerts.map((a) => a['@timestamp']).sort();
    const exception: ExceptionSpec = {
      name: `baseline-${g.rule.id}-${slug(g.user)}`.slice(0, 96),
      reason: `seen ${g.alerts.length} times on ${objects.size} objects in the baseline ${times[0]!.slice(0, 10)}–${times.at(-1)!.slice(0, 10)}; confirm this actor's activity is expected before adopting`,
      owner: 'TODO',
      expires,
      rule: g.rule.id,
      user: g.user,
    };
    const [ns] = namespaces;
    if (namespaces.size === 1 && ns) exception.namespace = ns;
    if (allSameUa) exception.user_agent = g.product!;
    proposals.push({
      exception,
      rule: { id: g.rule.id, name: g.rule.name, severity: g.rule.severity },
      occurrences: g.alerts.length,
      objects: objects.size,
      first: times[0]!,
      last: times.at(-1)!,
      example: g.alerts[0]!.message,
    });
  }
  // Most noise first: the top of the file is what a reviewer should look at.
  return proposals.sort((a, b) => b.occurrences - a.occurrences || a.exception.name.localeCompare(b.exception.name));
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** A tuning file (`--config`) holding the proposals, each with a comment saying why it is there. */
export function renderProposals(proposals: readonly Proposal[], meta: { inputs: string[]; alerts: number; now: Date }): string {
  const head = [
    '# Proposed exceptions from `k8s-audit tune` — review every entry before adopting it.',
    `# Baseline: ${meta.inputs.join(', ')} (${meta.alerts} alerts); generated ${meta.now.toISOString()}.`,
    '# Each entry silences one rule for one recurring actor. Delete what you do not recognise, set an owner,',
    '# and merge the rest into your tuning file (k8s-audit scan --config).',
  ];
  if (proposals.length === 0) return `${head.join('\n')}\nexceptions: []\n`;
  const body = proposals.map((p) => {
    const comment = [
      `# ${p.rule.id} (${p.rule.severity}): ${p.occurrences} alerts on ${p.objects} objects, ${p.first} → ${p.last}`,
      `#   e.g. ${p.example.replace(/\s+/g, ' ').slice(0, 160)}`,
    ];
    const item = toYaml([p.exception]).trimEnd().split('\n').map((l) => `  ${l}`);
    return [...comment.map((c) => `  ${c}`), ...item].join('\n');
  });
  return `${head.join('\n')}\nexceptions:\n${body.join('\n')}\n`;
}
