// Builds the alert document (DESIGN.md §3) for a rule that fired.
import { createHash } from 'node:crypto';
import type { Alert } from '../core/alert.js';
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

/**
 * An alert as far as one event decides it: everything but the id, the count and the message, which
 * a window or sequence settles later — possibly on another thread, so it is plain data.
 */
export interface AlertDraft {
  alert: Alert;
  /** The message template's event placeholders, rendered. */
  values: Record<string, string>;
}

export function buildAlert(rule: CompiledRule, rec: EnrichedEvent, ctx: EvalContext, win?: WindowFacts): Alert {
  return finishAlert(rule, draftAlert(rule, rec, ctx), win);
}

export function draftAlert(rule: CompiledRule, rec: EnrichedEvent, ctx: EvalContext): AlertDraft {
  const { event: e, cluster } = rec;
  const evidence: Record<string, unknown> = {};
  for (const f of rule.evidence) {
    const v = f.get(e, ctx);
    if (v !== undefined) evidence[f.path] = clip(v);
  }
  const alert: Alert = {
    '@timestamp': e.stageTimestamp,
    alert: { id: '', count: 1 },
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
    message: '',
    evidence,
  };
  if (e.impersonatedUser?.username) alert.user.effective = { name: e.impersonatedUser.username };
  if (e.sourceIPs?.length) alert.source = { ip: e.sourceIPs };
  if (e.userAgent) alert.user_agent = { original: e.userAgent };
  const values: Record<string, string> = {};
  const eventValues: Record<string, () => string> = {
    sentence: () => rec.doc.message, // the document's message: described once, in enrich
    actor: () => actorPhrase(e),
    object: () => objectPhrase(e),
    verb: () => e.verb,
    namespace: () => e.objectRef?.namespace ?? '',
    name: () => e.objectRef?.name ?? '',
    cluster: () => cluster,
    rule: () => rule.spec.name,
  };
  for (const m of messageTemplate(rule).matchAll(PLACEHOLDER)) {
    const k = m[1]!;
    if (eventValues[k]) values[k] ??= eventValues[k]();
  }
  return { alert, values };
}

/**
 * Settles a draft: the id (one per request, or per window's group and first request — for `mode:
 * first`, the request that opened the group's period), count and message.
 */
export function finishAlert(rule: CompiledRule, draft: AlertDraft, win?: WindowFacts): Alert {
  const a = draft.alert;
  const cluster = a.orchestrator.cluster.name;
  a.alert.id = createHash('sha1').update(`${rule.spec.id}\0${cluster}\0${win ? `${win.groupKey}\0${win.auditIds[0]}` : a.kubernetes.audit.auditID}`).digest('hex').slice(0, 24);
  if (win) {
    a.alert.count = win.count;
    a.evidence.window = { count: win.count, group: win.group, duration_ms: win.windowMs };
    a.related = { audit_ids: win.auditIds };
  }
  const values: Record<string, string> = { ...draft.values, count: String(win?.count ?? 1), window: win ? formatDuration(win.windowMs) : '' };
  a.message = messageTemplate(rule).replace(PLACEHOLDER, (m, k: string) => values[k] ?? m);
  return a;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Placeholders: {sentence} (the event as a sentence), {actor}, {object}, {verb}, {namespace},
 * {name}, {cluster}, {count}, {window}, {rule}. Default: "<rule name>: <sentence>".
 */
function messageTemplate(rule: CompiledRule): string {
  return (
    rule.spec.message ??
    (rule.sequence
      ? '{rule}: {actor} completed {count} steps in order within {window} (last: {sentence})'
      : rule.window?.mode === 'first'
        ? '{rule}: {sentence} (the first of its group in {window}; the rest are not raised)'
        : rule.window
          ? '{rule}: {actor} made {count} matching requests within {window} (last: {sentence})'
          : '{rule}: {sentence}')
  );
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
