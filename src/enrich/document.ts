// The Elasticsearch document for one audit event (DESIGN.md §3): field names of Elastic's
// kubernetes.audit_logs integration, so Elastic's prebuilt rules run on our index, with these fixes:
//   - @timestamp comes from stageTimestamp (Elastic uses ingest time for file input);
//   - event.outcome falls back to responseStatus.code when there is no authorization decision;
//   - user.effective.* names the impersonated identity; event.duration is the request's latency;
//   - orchestrator.cluster.name is always set.
// kubernetes.audit is the event with annotation keys de-dotted and the bodies' metadata dropped (as
// Elastic does, to keep the mapping bounded). It is added only when the document is serialised,
// spliced from the original text where possible: re-serialising a 1–10 KB event is the largest cost
// of the pipeline (bench/). The event itself is never changed.
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

/** Everything but kubernetes.audit: what enrichment computes and sinks may read. */
export type DocumentHead = Omit<EventDocument, 'kubernetes'>;

export function buildDocument(e: AuditEvent, cluster: string, message: string): DocumentHead {
  const decision = e.annotations?.['authorization.k8s.io/decision'];
  const code = e.responseStatus?.code;
  const outcome = decision === 'allow' ? 'success' : decision === 'forbid' ? 'failure' : code === undefined ? undefined : code < 400 ? 'success' : 'failure';
  const durationNs = durationNanos(e.requestReceivedTimestamp, e.stageTimestamp);

  const doc: DocumentHead = {
    '@timestamp': e.stageTimestamp,
    event: { kind: 'event', dataset: 'kubernetes.audit_logs', action: e.verb, id: e.auditID },
    message,
    related: { user: [], ip: e.sourceIPs ?? [] },
    orchestrator: { type: 'kubernetes', api_version: e.apiVersion ?? 'audit.k8s.io/v1', cluster: { name: cluster } },
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

/** The complete document as an object (for tests and consumers that need one; sinks use the text). */
export function fullDocument(head: DocumentHead, e: AuditEvent): EventDocument {
  return { ...head, kubernetes: { audit: auditSection(e) } };
}

/** The document as NDJSON-ready text, with kubernetes.audit spliced from `raw` when it can be. */
export function serialiseDocument(head: DocumentHead, e: AuditEvent, raw: string | undefined): string {
  const audit = (raw !== undefined && splicedAudit(e, raw)) || JSON.stringify(auditSection(e));
  return `${headText(head)},"kubernetes":{"audit":${audit}}}`;
}

const q = JSON.stringify;
const strings = (a: string[]) => (a.length === 1 ? `[${q(a[0])}]` : q(a));

/**
 * The head as JSON without its closing brace. Written out by hand because JSON.stringify is slow on
 * objects whose optional keys give them many shapes (5–6 µs per document, measured in bench/);
 * test/unit/enrich/document.test.ts checks it against JSON.stringify.
 */
function headText(h: DocumentHead): string {
  const ev = h.event;
  let s = `{"@timestamp":${q(h['@timestamp'])},"event":{"kind":"event","dataset":"kubernetes.audit_logs","action":${q(ev.action)}`;
  if (ev.outcome !== undefined) s += `,"outcome":"${ev.outcome}"`;
  if (ev.duration !== undefined) s += `,"duration":${ev.duration}`;
  s += `,"id":${q(ev.id)}},"message":${q(h.message)}`;
  if (h.user) s += `,"user":${q(h.user)}`;
  if (h.source) s += `,"source":{"ip":${strings(h.source.ip)}},"client":{"ip":${strings(h.source.ip)}}`;
  if (h.user_agent) s += `,"user_agent":{"original":${q(h.user_agent.original)}}`;
  s += `,"related":{"user":${strings(h.related.user)},"ip":${strings(h.related.ip)}}`;
  const o = h.orchestrator;
  s += `,"orchestrator":{"type":"kubernetes","api_version":${q(o.api_version)},"cluster":{"name":${q(o.cluster.name)}}`;
  if (o.namespace !== undefined) s += `,"namespace":${q(o.namespace)}`;
  if (o.resource) s += `,"resource":${q(o.resource)}`;
  const k = h.k8s_audit;
  s += `},"k8s_audit":{"actor":{"kind":"${k.actor.kind}"},"impersonated":${k.impersonated}`;
  if (k.alert_ids) s += `,"alert_ids":${q(k.alert_ids)}`;
  return `${s}}`;
}

/**
 * The original text with its annotation keys de-dotted, when that is exactly kubernetes.audit.
 * kube-apiserver writes annotations last, so they are the text's tail. Bodies whose metadata the
 * document drops are not spliced.
 */
function splicedAudit(e: AuditEvent, raw: string): string | undefined {
  if (hasMetadata(e.requestObject) || hasMetadata(e.responseObject)) return undefined;
  if (e.annotations === undefined) return raw.endsWith('}') ? raw : undefined;
  const tail = `"annotations":${JSON.stringify(e.annotations)}}`;
  if (!raw.endsWith(tail)) return undefined;
  return `${raw.slice(0, raw.length - tail.length)}"annotations":${JSON.stringify(dedot(e.annotations))}}`;
}

const dedottedKeys = new Map<string, string>();

/** Annotation keys with `.` → `_`, as Elastic stores them; the few distinct keys are memoised. */
function dedot(annotations: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in annotations) {
    let d = dedottedKeys.get(k);
    if (d === undefined) {
      d = k.replaceAll('.', '_');
      if (dedottedKeys.size < 10_000) dedottedKeys.set(k, d);
    }
    out[d] = annotations[k]!;
  }
  return out;
}

export function auditSection(e: AuditEvent): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...e };
  if (e.annotations) copy.annotations = dedot(e.annotations);
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
