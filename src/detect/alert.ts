// Builds the alert document (DESIGN.md §3) for a rule that fired.
import { createHash } from 'node:crypto';
import type { Alert } from '../core/alert.js';
import type { AuditEvent } from '../core/audit-event.js';
import { actorPhrase, objectPhrase } from '../enrich/describe.js';
import type { EnrichedEvent } from '../enrich/enrich.js';
import type { CompiledRule } from './catalogue.js';
import type { EvalContext } from './derived.js';
import type { GroupFire } from './groups.js';

const MAX_EVIDENCE_STRING = 512;
const MAX_EVIDENCE_ITEMS = 20;

export interface WindowFacts extends GroupFire {
  windowMs: number;
}

export function buildAlert(rule: CompiledRule, rec: EnrichedEvent, ctx: EvalContext, win?: WindowFacts): Alert {
  const { event: e, cluster } = rec;
  const id = createHash('sha1').update(`${rule.spec.id}\0${cluster}\0${win ? `${win.groupKey}\0${win.auditIds[0]}` : e.auditID}`).digest('hex').slice(0, 24);
  const evidence: Record<string, unknown> = {};
  for (const f of rule.evidence) {
    const v = f.get(e, ctx);
    if (v !== undefined) evidence[f.path] = clip(v);
  }
  if (win) Object.assign(evidence, { window: { count: win.count, group: win.group, duration_ms: win.windowMs } });
  const alert: Alert = {
    '@timestamp': e.stageTimestamp,
    alert: { id, count: win?.count ?? 1 },
    rule: {
      id: rule.spec.id,
      name: rule.spec.name,
      severity: rule.severity,
      mitre: rule.spec.mitre,
      references: rule.spec.references,
      tags: rule.spec.tags,
      description: rule.spec.description,
    },
    user: { name: e.user.username ?? '' },
    event: { action: e.verb, kind: 'alert' },
    kubernetes: { audit: { auditID: e.auditID, stage: e.stage, objectRef: e.objectRef ?? null, requestURI: e.requestURI } },
    orchestrator: { cluster: { name: cluster } },
    message: renderMessage(rule, e, cluster, rec.doc.message, win),
    evidence,
  };
  if (e.impersonatedUser?.username) alert.user.effective = { name: e.impersonatedUser.username };
  if (e.sourceIPs?.length) alert.source = { ip: e.sourceIPs };
  if (e.userAgent) alert.user_agent = { original: e.userAgent };
  if (win) alert.related = { audit_ids: win.auditIds };
  return alert;
}

/**
 * Placeholders: {sentence} (the event as a sentence), {actor}, {object}, {verb}, {namespace},
 * {name}, {cluster}, {count}, {window}, {rule}. Default: "<rule name>: <sentence>".
 */
function renderMessage(rule: CompiledRule, e: AuditEvent, cluster: string, sentence: string, win?: WindowFacts): string {
  const template =
    rule.spec.message ??
    (rule.sequence ? '{rule}: {actor} completed {count} steps in order within {window} (last: {sentence})' : win ? '{rule}: {actor} made {count} matching requests within {window} (last: {sentence})' : '{rule}: {sentence}');
  const values: Record<string, () => string> = {
    sentence: () => sentence, // the document's message: described once, in enrich
    actor: () => actorPhrase(e),
    object: () => objectPhrase(e),
    verb: () => e.verb,
    namespace: () => e.objectRef?.namespace ?? '',
    name: () => e.objectRef?.name ?? '',
    cluster: () => cluster,
    count: () => String(win?.count ?? 1),
    window: () => (win ? formatDuration(win.windowMs) : ''),
    rule: () => rule.spec.name,
  };
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k]?.() ?? m);
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

function clip(v: unknown): unknown {
  if (typeof v === 'string') return v.length > MAX_EVIDENCE_STRING ? `${v.slice(0, MAX_EVIDENCE_STRING)}…` : v;
  if (Array.isArray(v)) return v.slice(0, MAX_EVIDENCE_ITEMS).map(clip);
  if (v !== null && typeof v === 'object') {
    const s = JSON.stringify(v);
    return s.length > MAX_EVIDENCE_STRING * 4 ? `${s.slice(0, MAX_EVIDENCE_STRING * 4)}…` : v;
  }
  return v;
}
