// The Elasticsearch document for one audit event (DESIGN.md §3): field names of Elastic's
// kubernetes.audit_logs integration, so Elastic's prebuilt rules run on our index, with these fixes:
//   - @timestamp comes from stageTimestamp (Elastic uses ingest time for file input);
//   - event.outcome falls back to responseStatus.code when there is no authorization decision;
//   - user.effective.* names the impersonated identity; event.duration is the request's latency;
//   - orchestrator.cluster.name is always set.
// kubernetes.audit is a shallow copy of the event with annotation keys de-dotted and the bodies'
// metadata dropped (as Elastic does, to keep the mapping bounded); the event itself is not changed.
import type { AuditEvent } from '../core/audit-event.js';
import { actorKind, type ActorKind } from './actor.js';

export interface EventDocument {
  '@timestamp': string;
  event: { kind: 'event'; dataset: 'kubernetes.audit_logs'; action: string; outcome?: 'success' | 'failure'; duration?: number; id: string };
  message: string;
  user?: { name?: string; id?: string; effective?: { name?: string; id?: string } };
  source?: { ip: string[] };
  client?: { ip: string[] };
  user_agent?: { original: string };
  related: { user: string[]; ip: string[] };
  orchestrator: {
    type: 'kubernetes';
    api_version: string;
    cluster: { name: string };
    namespace?: string;
    resource?: { type?: string; name?: string; subresource?: string };
  };
  kubernetes: { audit: Record<string, unknown> };
  k8s_audit: { actor: { kind: ActorKind }; impersonated: boolean; alert_ids?: string[] };
}

export function buildDocument(e: AuditEvent, cluster: string, message: string): EventDocument {
  const decision = e.annotations?.['authorization.k8s.io/decision'];
  const code = e.responseStatus?.code;
  const outcome = decision === 'allow' ? 'success' : decision === 'forbid' ? 'failure' : code === undefined ? undefined : code < 400 ? 'success' : 'failure';
  const durationNs = durationNanos(e.requestReceivedTimestamp, e.stageTimestamp);

  const doc: EventDocument = {
    '@timestamp': e.stageTimestamp,
    event: { kind: 'event', dataset: 'kubernetes.audit_logs', action: e.verb, id: e.auditID },
    message,
    related: { user: [], ip: e.sourceIPs ?? [] },
    orchestrator: { type: 'kubernetes', api_version: e.apiVersion ?? 'audit.k8s.io/v1', cluster: { name: cluster } },
    kubernetes: { audit: auditCopy(e) },
    k8s_audit: { actor: { kind: actorKind(e.user) }, impersonated: e.impersonatedUser !== undefined },
  };
  if (outcome) doc.event.outcome = outcome;
  if (durationNs !== undefined) doc.event.duration = durationNs;

  const u = e.user;
  if (u.username !== undefined || u.uid !== undefined) {
    doc.user = {};
    if (u.username !== undefined) doc.user.name = u.username;
    if (u.uid !== undefined) doc.user.id = u.uid;
    if (u.uid) doc.related.user.push(u.uid);
    if (u.username) doc.related.user.push(u.username);
  }
  const imp = e.impersonatedUser;
  if (imp) {
    doc.user ??= {};
    doc.user.effective = {};
    if (imp.username !== undefined) doc.user.effective.name = imp.username;
    if (imp.uid !== undefined) doc.user.effective.id = imp.uid;
    if (imp.username && !doc.related.user.includes(imp.username)) doc.related.user.push(imp.username);
  }
  if (e.sourceIPs?.length) {
    doc.source = { ip: e.sourceIPs };
    doc.client = { ip: e.sourceIPs };
  }
  if (e.userAgent) doc.user_agent = { original: e.userAgent };
  const ref = e.objectRef;
  if (ref) {
    if (ref.namespace) doc.orchestrator.namespace = ref.namespace;
    if (ref.resource || ref.name) {
      doc.orchestrator.resource = {};
      if (ref.resource) doc.orchestrator.resource.type = ref.resource;
      if (ref.name) doc.orchestrator.resource.name = ref.name;
      if (ref.subresource) doc.orchestrator.resource.subresource = ref.subresource;
    }
  }
  return doc;
}

function auditCopy(e: AuditEvent): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...e };
  if (e.annotations) {
    const dedotted: Record<string, string> = {};
    for (const k in e.annotations) dedotted[k.replaceAll('.', '_')] = e.annotations[k]!;
    copy.annotations = dedotted;
  }
  if (hasMetadata(e.requestObject)) copy.requestObject = withoutMetadata(e.requestObject);
  if (hasMetadata(e.responseObject)) copy.responseObject = withoutMetadata(e.responseObject);
  return copy;
}

function hasMetadata(o: unknown): o is Record<string, unknown> {
  return typeof o === 'object' && o !== null && 'metadata' in o;
}

function withoutMetadata(o: Record<string, unknown>): Record<string, unknown> {
  const { metadata: _dropped, ...rest } = o;
  return rest;
}

/** Nanoseconds between two RFC 3339 timestamps with microsecond precision; undefined if unparseable. */
export function durationNanos(from: string, to: string): number | undefined {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return (b - a) * 1e6 + (micros(to) - micros(from)) * 1e3;
}

/** The sub-millisecond digits Date.parse throws away: "…:18.822532Z" → 532. */
function micros(ts: string): number {
  const dot = ts.indexOf('.');
  if (dot < 0) return 0;
  let digits = '';
  for (let i = dot + 4; i < ts.length && digits.length < 3; i++) {
    const c = ts.charCodeAt(i);
    if (c < 48 || c > 57) break;
    digits += ts[i];
  }
  return digits ? Number(digits.padEnd(3, '0')) : 0;
}
