import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alert.js';
import type { ProcessedBatch, SourceBatch } from '../../../src/core/batch.js';
import type { Sink, Source } from '../../../src/core/contracts.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { AlertThrottle } from '../../../src/pipeline/alert-throttle.js';
import { withAlertPolicy } from '../../../src/pipeline/alert-output.js';
import { runPipeline } from '../../../src/pipeline/run.js';
import { auditEvent, raw } from '../../helpers/events.js';

function alert(over: { id?: string; ts?: string; auditID?: string; user?: string; name?: string; severity?: Alert['rule']['severity']; rule?: string } = {}): Alert {
  return {
    '@timestamp': over.ts ?? '2026-11-20T09:00:00.000Z',
    alert: { id: over.id ?? `id-${over.auditID ?? 'a1'}`, count: 1 },
    rule: { id: over.rule ?? 'secret-get', name: 'K8s Secret read', severity: over.severity ?? 'low', mitre: [], references: {}, tags: [], description: '' },
    user: { name: over.user ?? 'alice@example.com' },
    event: { action: 'get', kind: 'alert' },
    kubernetes: { audit: { auditID: over.auditID ?? 'a1', stage: 'ResponseComplete', objectRef: { resource: 'secrets', namespace: 'shop', name: over.name ?? 'db' }, requestURI: '/x' } },
    orchestrator: { cluster: { name: 'default' } },
    message: 'K8s Secret read: alice@example.com read secret shop/db',
    evidence: {},
  };
}

const capture = () => {
  const written: Alert[] = [];
  const sink: Sink & { written: Alert[]; closed: boolean } = { name: 'cap', written, closed: false, async write(b) { written.push(...b.alerts); }, async close() { sink.closed = true; } };
  return sink;
};
const batch = (alerts: Alert[]): ProcessedBatch => ({ events: [], alerts, rejected: [] });

describe('AlertThrottle', () => {
  it('sends the first alert of a burst at once and folds the rest into one summary with every auditID', () => {
    const t = new AlertThrottle({ windowMs: 60_000 });
    const first = t.admit([alert({ auditID: 'a1' })], 0);
    expect(first.now).toHaveLength(1);
    const rest = t.admit([alert({ auditID: 'a2', id: 'other', ts: '2026-11-20T09:00:30.000Z' }), alert({ auditID: 'a3', ts: '2026-11-20T09:00:59.000Z' })], 10);
    expect(rest).toEqual({ now: [], closed: [] });
    const [s] = t.drain();
    expect(s!.alert).toEqual({ id: 'id-a1', count: 3 });
    expect(s!.related!.audit_ids).toEqual(['a1', 'a2', 'a3']);
    expect(s!.message).toBe('K8s Secret read: alice@example.com read secret shop/db, 3 times between 09:00:00 and 09:00:59 UTC');
    expect(s!['@timestamp']).toBe('2026-11-20T09:00:00.000Z');
  });

  it('keeps different objects, actors and rules apart', () => {
    const t = new AlertThrottle({ windowMs: 60_000 });
    const r = t.admit([alert({ auditID: 'a1' }), alert({ auditID: 'a2', name: 'other' }), alert({ auditID: 'a3', user: 'bob' }), alert({ auditID: 'a4', rule: 'secret-deleted' })], 0);
    expect(r.now).toHaveLength(4);
    expect(t.drain()).toEqual([]);
  });

  it('closes a group when an alert of the same key falls outside the window, and when the wall-clock window passes', () => {
    const t = new AlertThrottle({ windowMs: 60_000 });
    t.admit([alert({ auditID: 'a1' }), alert({ auditID: 'a2' })], 0);
    const later = t.admit([alert({ auditID: 'a3', id: 'id-a3', ts: '2026-11-20T09:05:00.000Z' })], 1);
    expect(later.now.map((a) => a.alert.id)).toEqual(['id-a3']);
    expect(later.closed.map((a) => a.alert.count)).toEqual([2]);
    t.admit([alert({ auditID: 'a4', ts: '2026-11-20T09:05:01.000Z' })], 2);
    expect(t.due(60_000)).toEqual([]);
    expect(t.due(60_001).map((a) => a.alert.count)).toEqual([2]);
    expect(t.openGroups).toBe(0);
  });
});

describe('withAlertPolicy', () => {
  it('drops alerts under the severity floor and adds the query and Kibana link', async () => {
    const inner = capture();
    const out = withAlertPolicy(inner, { minSeverity: 'high', link: { kibanaUrl: 'https://kibana.example.com/' } });
    await out.write(batch([alert({ severity: 'low' }), alert({ severity: 'critical', auditID: 'x"1' })]));
    await out.close();
    expect(inner.written).toHaveLength(1);
    const a = inner.written[0] as Alert & { k8s_audit: { query: string; discover_url: string } };
    expect(a.k8s_audit.query).toBe('kubernetes.audit.auditID:"x\\"1"');
    const url = new URL(a.k8s_audit.discover_url);
    expect(url.origin + url.pathname).toBe('https://kibana.example.com/app/discover');
    expect(decodeURIComponent(url.hash)).toContain("dataSource:(dataViewId:'k8s-audit-events',type:dataView)");
    expect(decodeURIComponent(url.hash)).toContain("time:(from:'2026-11-20T08:59:00.000Z',to:'2026-11-20T09:01:00.000Z')");
    expect(inner.closed).toBe(true);
  });

  it('flushes a burst summary from a timer when no further batch comes', async () => {
    const inner = capture();
    const out = withAlertPolicy(inner, { throttleWindowMs: 30 });
    await out.write(batch([alert({ auditID: 'a1' }), alert({ auditID: 'a2' })]));
    expect(inner.written.map((a) => a.alert.count)).toEqual([1]);
    for (let i = 0; i < 100 && inner.written.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(inner.written.map((a) => a.alert.count)).toEqual([1, 2]);
    await out.close();
    expect(inner.written).toHaveLength(2);
  });

  it('keeps a summary whose write failed and sends it at close', async () => {
    let fail = true;
    const written: Alert[] = [];
    const flaky: Sink = { name: 'flaky', async write(b) { if (fail && b.alerts.some((a) => a.alert.count > 1)) throw new Error('down'); written.push(...b.alerts); }, async close() {} };
    const out = withAlertPolicy(flaky, { throttleWindowMs: 20 }, { log: () => undefined });
    await out.write(batch([alert({ auditID: 'a1' }), alert({ auditID: 'a2' })]));
    await new Promise((r) => setTimeout(r, 60));
    fail = false;
    await out.close();
    expect(written.map((a) => a.alert.count)).toEqual([1, 2]);
  });

  it('turns 1,000 identical events into one alert with count 1,000 and all 1,000 auditIDs', async () => {
    const n = 1000;
    const events = Array.from({ length: n }, (_, i) => auditEvent({ auditID: `burst-${String(i).padStart(4, '0')}`, verb: 'delete', stageTimestamp: `2026-11-20T09:00:${String(Math.floor(i / 20)).padStart(2, '0')}.000000Z` }));
    const source: Source = {
      name: 'burst',
      async *batches(): AsyncIterable<SourceBatch> {
        for (let i = 0; i < n; i += 100) yield { records: events.slice(i, i + 100).map((e, j) => raw(e, i + j + 1)), ack: () => undefined, fail: () => undefined };
      },
      async close() {},
    };
    const inner = capture();
    const out = withAlertPolicy(inner, { throttleWindowMs: 60_000 });
    await runPipeline({ source, decoder: createDecoder({ defaultCluster: 'c' }), enrich: createEnricher({ redact: true }), detector: createDetector(loadCatalogue()), sinks: [out] });
    const deleted = inner.written.filter((a) => a.rule.id === 'secret-deleted');
    expect(new Set(deleted.map((a) => a.alert.id)).size).toBe(1);
    const last = deleted[deleted.length - 1]!;
    expect(last.alert.count).toBe(n);
    expect(new Set(last.related!.audit_ids).size).toBe(n);
    expect(deleted[0]!.alert.count).toBe(1);
    expect(deleted).toHaveLength(2);
    expect(last.message).toMatch(/deleted secret shop\/db-credentials, 1,000 times between 09:00:00 and 09:00:49 UTC$/);
  });
});
