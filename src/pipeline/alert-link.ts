// A query that finds an alert's events again: KQL over the events data view, and, when a Kibana URL
// is configured, a Discover link that opens exactly those events in the alert's time range.
// Discover's URL state is rison (https://github.com/Nanonid/rison), `_g` for time, `_a` for the
// data view and query; the data view id is the one our saved objects ship (kibana/).
import type { Alert } from '../core/alert.js';

export interface AlertLinkOptions {
  /** Kibana's base URL, e.g. https://kibana.example.com (with a space: …/s/security). */
  kibanaUrl?: string;
  /** The events data view's saved-object id. */
  eventsDataView?: string;
}

/** The fields an output adds to an alert. */
export interface AlertLinks {
  k8s_audit: { query: string; discover_url?: string };
}
export type LinkedAlert = Alert & Partial<AlertLinks>;

export const EVENTS_DATA_VIEW_ID = 'k8s-audit-events';
/** Up to this many auditIDs are listed in the query; beyond, the query names the actor and object. */
const MAX_IDS_IN_QUERY = 50;
/** Margin around the alert's time range in the link, for clock skew between stages. */
const MARGIN_MS = 60_000;

const kqlValue = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;

export function alertQuery(a: Alert): string {
  const ids = a.related?.audit_ids ?? [a.kubernetes.audit.auditID];
  if (ids.length <= MAX_IDS_IN_QUERY) {
    return ids.length === 1 ? `kubernetes.audit.auditID:${kqlValue(ids[0]!)}` : `kubernetes.audit.auditID:(${ids.map(kqlValue).join(' or ')})`;
  }
  const ref = a.kubernetes.audit.objectRef;
  const parts = [`user.name:${kqlValue(a.user.name)}`, `orchestrator.cluster.name:${kqlValue(a.orchestrator.cluster.name)}`];
  if (a.user.effective?.name) parts.push(`user.effective.name:${kqlValue(a.user.effective.name)}`);
  if (ref?.resource) parts.push(`orchestrator.resource.type:${kqlValue(ref.resource)}`);
  if (ref?.namespace) parts.push(`orchestrator.namespace:${kqlValue(ref.namespace)}`);
  if (ref?.name) parts.push(`orchestrator.resource.name:${kqlValue(ref.name)}`);
  parts.push(`event.action:${kqlValue(a.event.action)}`);
  return parts.join(' and ');
}

/** Rison string literal: quoted with ', where ' and ! are escaped with !. */
const risonString = (s: string) => `'${s.replace(/!/g, '!!').replace(/'/g, "!'")}'`;

export function discoverUrl(a: Alert, query: string, options: Required<Pick<AlertLinkOptions, 'kibanaUrl'>> & AlertLinkOptions): string {
  const start = Date.parse(a['@timestamp']);
  const lastSeen = (a.evidence.burst as { last_seen?: string } | undefined)?.last_seen;
  const end = lastSeen ? Date.parse(lastSeen) : start;
  const iso = (ms: number) => (Number.isNaN(ms) ? 'now' : new Date(ms).toISOString());
  const g = `(time:(from:${risonString(iso(start - MARGIN_MS))},to:${risonString(iso(end + MARGIN_MS))}))`;
  const app = `(dataSource:(dataViewId:${risonString(options.eventsDataView ?? EVENTS_DATA_VIEW_ID)},type:dataView),query:(language:kuery,query:${risonString(query)}),sort:!(!('@timestamp',asc)))`;
  return `${options.kibanaUrl.replace(/\/+$/, '')}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(app)}`;
}

export function linkAlert(a: Alert, options: AlertLinkOptions = {}): LinkedAlert {
  const query = alertQuery(a);
  const k8s_audit: AlertLinks['k8s_audit'] = { query };
  if (options.kibanaUrl) k8s_audit.discover_url = discoverUrl(a, query, { ...options, kibanaUrl: options.kibanaUrl });
  return { ...a, k8s_audit };
}
