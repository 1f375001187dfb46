import { describe, expect, it } from 'vitest';
import type { EventFacts, SinkRecord } from '../../../../src/core/batch.js';
import { EVENT_COLUMNS, forEachEventRow, packEventRows, packedRowCount } from '../../../../src/sinks/sqlite/packed-rows.js';

function record(facts: Partial<EventFacts>, cluster: string, event: string): SinkRecord {
  const f: EventFacts = {
    auditID: 'a', stage: 'ResponseComplete', time: '2026-11-20T09:00:00.0026Z', user: 'alice', effectiveUser: null, actorKind: 'human', verb: 'get',
    resource: 'secrets', subresource: null, namespace: 'shop', name: 'db', code: 200, decision: 'allow', sourceIP: '203.0.113.7', userAgent: 'kubectl',
    requestURI: '/api/v1/namespaces/shop/secrets/db', message: 'alice read secret shop/db', ...facts,
  };
  return { id: `${f.auditID}:${f.stage}`, cluster, facts: f, json: () => '{}', eventJson: () => event };
}

/** A record's value for each column of the insert, in EVENT_COLUMNS order. */
function columnValues(r: SinkRecord): unknown[] {
  const f = r.facts;
  const byColumn: Record<(typeof EVENT_COLUMNS)[number], unknown> = {
    audit_id: f.auditID, stage: f.stage, ts: f.time, cluster: r.cluster, user: f.user, effective_user: f.effectiveUser, actor_kind: f.actorKind,
    verb: f.verb, resource: f.resource, subresource: f.subresource, namespace: f.namespace, name: f.name, code: f.code, decision: f.decision,
    source_ip: f.sourceIP, user_agent: f.userAgent, request_uri: f.requestURI, message: f.message, event: r.eventJson(),
  };
  return EVENT_COLUMNS.map((c) => byColumn[c]);
}

describe('packed event rows', () => {
  it('unpack to each row’s column values in the insert’s order: NULLs, numbers and non-ASCII text intact', () => {
    const records = [
      record({}, 'prod', '{"auditID":"a"}'),
      record({ auditID: 'b', user: null, code: null, namespace: '', message: 'jörg 👀 deleted "x"' }, 'dev', '{"note":"ü"}'),
      record({ auditID: 'c', effectiveUser: 'system:admin', code: 101, subresource: 'exec' }, '', ''),
    ];
    const packed = packEventRows(records);
    expect(packedRowCount(packed)).toBe(3);
    const rows: unknown[][] = [];
    forEachEventRow(packed, [], (row) => rows.push([...row]));
    expect(rows).toEqual(records.map(columnValues));
    expect(rows[0]).toHaveLength(EVENT_COLUMNS.length);
  });

  it('keeps rows apart across the joined texts of a large batch', () => {
    const records = Array.from({ length: 300 }, (_, i) => record({ auditID: `id-${i}`, name: 'x'.repeat(i % 7), user: i % 5 ? `u${i}` : null }, `c${i % 3}`, `{"n":${i}}`));
    const rows: unknown[][] = [];
    forEachEventRow(packEventRows(records), [], (row) => rows.push([...row]));
    const at = (c: (typeof EVENT_COLUMNS)[number]) => EVENT_COLUMNS.indexOf(c);
    expect(rows.map((r) => [r[at('audit_id')], r[at('cluster')], r[at('user')], r[at('name')], r[at('event')]])).toEqual(
      records.map((r, i) => [`id-${i}`, `c${i % 3}`, i % 5 ? `u${i}` : null, 'x'.repeat(i % 7), `{"n":${i}}`]),
    );
  });

  it('packs an empty batch', () => {
    const packed = packEventRows([]);
    expect(packedRowCount(packed)).toBe(0);
    forEachEventRow(packed, [], () => {
      throw new Error('no rows expected');
    });
  });
});
