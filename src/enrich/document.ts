// The Elasticsearch document for one audit event (DESIGN.md §3): field names of Elastic's
// kubernetes.audit_logs integration, so Elastic's prebuilt rules run on our index, with these fixes:
//   - @timestamp comes from stageTimestamp (Elastic uses ingest time for file input);
//   - event.outcome falls back to responseStatus.code when there is no authorization decision;
//   - user.effective.* names the impersonated identity; event.duration is the request's latency;
//   - orchestrator.cluster.name is always set.
// kubernetes.audit (audit-section.ts) is added only when the document is serialised, spliced from
// the original text where possible. k8s_audit comes last and alert_ids is its last member, so alerts
// decided after serialisation (windows and sequences, on another thread) are spliced in by
// withAlertIds without parsing the document. The event itself is never changed.
import type { AuditEvent } from '../core/audit-event.js';
import { actorKind, type ActorKind } from './actor.js';
import { auditSection, auditSectionText } from './audit-section.js';

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

  let user: DocumentHead['user'];
  const related: string[] = [];
  const u = e.user;
  if (u.username !== undefined || u.uid !== undefined) {
    user = {};
    if (u.username !== undefined) user.name = u.username;
    if (u.uid !== undefined) user.id = u.uid;
    if (u.uid) related.push(u.uid);
    if (u.username) related.push(u.username);
  }
  const imp = e.impersonatedUser;
  if (imp) {
    user ??= {};
    user.effective = {};
    if (imp.username !== undefined) user.effective.name = imp.username;
    if (imp.uid !== undefined) user.effective.id = imp.uid;
    if (imp.username && !related.includes(imp.username)) related.push(imp.username);
  }
  const ips = e.sourceIPs?.length ? e.sourceIPs : undefined;
  const ref = e.objectRef;
  let resource: EventDocument['orchestrator']['resource'];
  if (ref && (ref.resource || ref.name)) {
    resource = {};
    if (ref.resource) resource.type = ref.resource;
    if (ref.name) resource.name = ref.name;
    if (ref.subresource) resource.subresource = ref.subresource;
  }
  // Every document has the same keys in the same order (absent ones undefined, which JSON skips):
  // one shape for V8, and JSON.stringify(fullDocument(…)) is exactly serialiseDocument's text.
  return {
    '@timestamp': e.stageTimestamp,
    event: { kind: 'event', dataset: 'kubernetes.audit_logs', action: e.verb, outcome, duration: durationNs, id: e.auditID },
    message,
    user,
    source: ips && { ip: ips },
    client: ips && { ip: ips },
    user_agent: e.userAgent ? { original: e.userAgent } : undefined,
    related: { user: related, ip: e.sourceIPs ?? [] },
    orchestrator: { type: 'kubernetes', api_version: e.apiVersion ?? 'audit.k8s.io/v1', cluster: { name: cluster }, namespace: ref?.namespace || undefined, resource },
    k8s_audit: { actor: { kind: actorKind(e.user) }, impersonated: e.impersonatedUser !== undefined, alert_ids: undefined },
  };
}

/** The complete document as an object, members in serialisation order (for tests and consumers that need one; sinks use the text). */
export function fullDocument(head: DocumentHead, e: AuditEvent): EventDocument {
  const { k8s_audit, ...rest } = head;
  return { ...rest, kubernetes: { audit: auditSection(e) }, k8s_audit };
}

/** The document as NDJSON-ready text, with kubernetes.audit spliced from `raw` when it can be. */
export function serialiseDocument(head: DocumentHead, e: AuditEvent, raw: string | undefined): string {
  const audit = auditSectionText(e, raw);
  return `${headText(head, audit.plainMembers ? e : undefined)},"kubernetes":{"audit":${audit.text}},${k8sAuditText(head.k8s_audit)}}`;
}

/**
 * Adds alert ids to a serialised document (one whose alerts were decided after its text was built):
 * k8s_audit is the document's last member and alert_ids its last, so the ids go right before the
 * closing `]}}` (appended to the list) or `}}` (a new list) — no parse, no re-serialisation.
 */
export function withAlertIds(json: string, ids: readonly string[]): string {
  if (ids.length === 0) return json;
  const list = ids.map(str).join(',');
  if (json.endsWith(']}}')) return `${json.slice(0, -3)}${json.endsWith('[]}}') ? '' : ','}${list}]}}`;
  if (json.endsWith('}}')) return `${json.slice(0, -2)},"alert_ids":[${list}]}}`;
  throw new Error('withAlertIds: not a serialised event document (it must end with k8s_audit)');
}

/** A JSON string literal: the text itself in quotes when nothing needs escaping (most values), else JSON.stringify's. */
function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}
/** What JSON.stringify escapes: quote, backslash, control characters (below " "), and lone surrogates (any surrogate here, to be simple). */
const NEEDS_ESCAPE = /["\\\ud800-\udfff]|[^ -\uffff]/;

/**
 * A string of the head as a JSON string literal: written as it is when it is the event's own `field`
 * and the event's strings need no escapes (`plain`, from audit-section.ts; the escape test was 4.5%
 * of a Metadata-level scan's CPU profile), else as str() writes it.
 */
function evStr(s: string, field: unknown, plain: boolean): string {
  return plain && s === field ? `"${s}"` : str(s);
}

function evStrings(a: readonly string[], field: unknown, plain: boolean): string {
  if (!plain || a !== field || a.length === 0) return strings(a);
  let s = `["${a[0]!}"`;
  for (let i = 1; i < a.length; i++) s += `,"${a[i]!}"`;
  return `${s}]`;
}

function strings(a: readonly string[]): string {
  if (a.length === 0) return '[]';
  let s = `[${str(a[0]!)}`;
  for (let i = 1; i < a.length; i++) s += `,${str(a[i]!)}`;
  return `${s}]`;
}

function identity(o: { name?: string; id?: string }, from: { username?: string; uid?: string } | undefined, plain: boolean): string {
  let s = '';
  if (o.name !== undefined) s = `"name":${evStr(o.name, from?.username, plain)}`;
  if (o.id !== undefined) s += `${s ? ',' : ''}"id":${evStr(o.id, from?.uid, plain)}`;
  return s;
}

/**
 * The head up to kubernetes.audit, without a closing brace. Written out by hand because
 * JSON.stringify is slow on objects whose optional keys give them many shapes (5–6 µs per document,
 * measured in bench/); test/unit/enrich/document.test.ts checks it against JSON.stringify. `e`: the
 * event, when its strings need no escapes (each head string that is the event's own is then written
 * as it is).
 */
function headText(h: DocumentHead, e: AuditEvent | undefined): string {
  const plain = e !== undefined;
  const ev = h.event;
  let s = `{"@timestamp":${evStr(h['@timestamp'], e?.stageTimestamp, plain)},"event":{"kind":"event","dataset":"kubernetes.audit_logs","action":${evStr(ev.action, e?.verb, plain)}`;
  if (ev.outcome !== undefined) s += `,"outcome":"${ev.outcome}"`;
  if (ev.duration !== undefined) s += `,"duration":${JSON.stringify(ev.duration)}`;
  s += `,"id":${evStr(ev.id, e?.auditID, plain)}},"message":${str(h.message)}`;
  const u = h.user;
  if (u) {
    s += `,"user":{${identity(u, e?.user, plain)}`;
    if (u.effective) s += `${u.name !== undefined || u.id !== undefined ? ',' : ''}"effective":{${identity(u.effective, e?.impersonatedUser, plain)}}`;
    s += '}';
  }
  if (h.source) s += `,"source":{"ip":${evStrings(h.source.ip, e?.sourceIPs, plain)}}`;
  if (h.client) s += `,"client":{"ip":${evStrings(h.client.ip, e?.sourceIPs, plain)}}`;
  if (h.user_agent) s += `,"user_agent":{"original":${evStr(h.user_agent.original, e?.userAgent, plain)}}`;
  s += `,"related":{"user":${strings(h.related.user)},"ip":${evStrings(h.related.ip, e?.sourceIPs, plain)}}`;
  const o = h.orchestrator;
  s += `,"orchestrator":{"type":"kubernetes","api_version":${evStr(o.api_version, e?.apiVersion, plain)},"cluster":{"name":${str(o.cluster.name)}}`;
  const ref = e?.objectRef;
  if (o.namespace !== undefined) s += `,"namespace":${evStr(o.namespace, ref?.namespace, plain)}`;
  const r = o.resource;
  if (r) {
    let t = '';
    if (r.type !== undefined) t = `"type":${evStr(r.type, ref?.resource, plain)}`;
    if (r.name !== undefined) t += `${t ? ',' : ''}"name":${evStr(r.name, ref?.name, plain)}`;
    if (r.subresource !== undefined) t += `${t ? ',' : ''}"subresource":${evStr(r.subresource, ref?.subresource, plain)}`;
    s += `,"resource":{${t}}`;
  }
  return `${s}}`;
}

function k8sAuditText(k: DocumentHead['k8s_audit']): string {
  const s = `"k8s_audit":{"actor":{"kind":${str(k.actor.kind)}},"impersonated":${k.impersonated}`;
  return k.alert_ids ? `${s},"alert_ids":${strings(k.alert_ids)}}` : `${s}}`;
}

/**
 * Nanoseconds between two RFC 3339 timestamps, to the microsecond (what the API server writes);
 * undefined if unparseable. The API server's two stamps of one event nearly always share their date
 * and are UTC, so the time of day is read from the digits; anything else goes through Date.parse.
 */
export function durationNanos(from: string, to: string): number | undefined {
  const a = sameDayMicros(from, to);
  if (a !== undefined) return a * 1e3;
  const ta = Date.parse(from);
  const tb = Date.parse(to);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return undefined;
  return (tb - ta) * 1e6 + (micros(to) - micros(from)) * 1e3;
}

/** Microseconds from `from` to `to` when both are "YYYY-MM-DDTHH:MM:SS[.ffffff…]Z" of the same day, else undefined. */
function sameDayMicros(from: string, to: string): number | undefined {
  if (from.length < 20 || to.length < 20 || from.charCodeAt(from.length - 1) !== 90 || to.charCodeAt(to.length - 1) !== 90 || from.charCodeAt(10) !== 84 /* T */) return undefined;
  for (let i = 0; i < 10; i++) if (from.charCodeAt(i) !== to.charCodeAt(i)) return undefined;
  // The date part is shared; check it is a date Date.parse would take before trusting the rest.
  const a = timeOfDayMicros(from);
  const b = timeOfDayMicros(to);
  if (a < 0 || b < 0 || !isDate(from)) return undefined;
  return b - a;
}

/** Scale of a fraction's first n digits to microseconds. */
const FRACTION_SCALE = [0, 100_000, 10_000, 1_000, 100, 10, 1];

/** "…T09:00:01.000350Z" → microseconds since midnight; -1 when not HH:MM:SS[.digits]Z in range. */
function timeOfDayMicros(ts: string): number {
  if (ts.charCodeAt(10) !== 84 || ts.charCodeAt(13) !== 58 || ts.charCodeAt(16) !== 58) return -1;
  const h = digits2(ts, 11);
  const m = digits2(ts, 14);
  const sec = digits2(ts, 17);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return -1;
  let us = 0;
  const n = ts.length - 1; // before Z
  if (n > 19) {
    if (ts.charCodeAt(19) !== 46 || n === 20) return -1;
    let digits = 0;
    for (let i = 20; i < n; i++) {
      const d = ts.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      if (digits < 6) {
        us = us * 10 + d;
        digits++;
      }
    }
    us *= FRACTION_SCALE[digits]!;
  }
  return ((h * 60 + m) * 60 + sec) * 1e6 + us;
}

function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
}

/** "YYYY-MM-DD" with month 1–12 and day 1–31, as Date.parse takes it. */
function isDate(ts: string): boolean {
  if (ts.charCodeAt(4) !== 45 || ts.charCodeAt(7) !== 45) return false;
  const y1 = digits2(ts, 0);
  const y2 = digits2(ts, 2);
  const mo = digits2(ts, 5);
  const d = digits2(ts, 8);
  return y1 >= 0 && y2 >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
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
