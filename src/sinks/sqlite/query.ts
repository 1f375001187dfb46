// Who-did-what look-ups over the store. Each filter maps onto an index (schema.ts), so a question
// about one user, object or namespace reads only its rows.
import type { AuditStore } from './store.js';

export interface EventQuery {
  user?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  cluster?: string;
  since?: string;
  until?: string;
  limit?: number;
}

export interface EventRow {
  ts: string;
  cluster: string;
  user: string | null;
  effective_user: string | null;
  verb: string;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  code: number | null;
  source_ip: string | null;
  user_agent: string | null;
  message: string | null;
  audit_id: string;
  stage: string;
}

export function queryEvents(store: AuditStore, q: EventQuery): EventRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.user !== undefined) {
    where.push('(user = ? OR effective_user = ?)');
    args.push(q.user, q.user);
  }
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    where.push(`${col} = ?`);
    args.push(v);
  };
  eq('verb', q.verb);
  eq('resource', q.resource);
  eq('namespace', q.namespace);
  eq('name', q.name);
  eq('cluster', q.cluster);
  if (q.since !== undefined) {
    where.push('ts >= ?');
    args.push(q.since);
  }
  if (q.until !== undefined) {
    where.push('ts <= ?');
    args.push(q.until);
  }
  // Several stages of one request collapse into one row below: the last stage recorded.
  const sql = `SELECT ts, cluster, user, effective_user, verb, resource, subresource, namespace, name, code, source_ip, user_agent, message, audit_id, stage
    FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts LIMIT ?`;
  args.push(q.limit ?? 1000);
  const rows = store.db.prepare(sql).all(...args) as EventRow[];
  const seen = new Set<string>();
  const out: EventRow[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i]!;
    if (seen.has(r.audit_id)) continue;
    seen.add(r.audit_id);
    out.push(r);
  }
  return out.reverse();
}
