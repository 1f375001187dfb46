import { describe, expect, it } from 'vitest';
import { alertItem, chunk, indexName } from '../../../../src/sinks/elasticsearch/encode.js';
import { backoffMs, classifyItem, classifyRequest } from '../../../../src/sinks/elasticsearch/retry.js';

describe('Elasticsearch retry policy', () => {
  it.each([
    [undefined, 'retry'],
    [429, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [401, 'fatal'],
    [403, 'fatal'],
    [400, 'fatal'],
    [200, 'done'],
  ] as const)('a bulk request answered %s is %s', (status, action) => {
    expect(classifyRequest(status).action).toBe(action);
  });

  it('names the fix for bad credentials', () => {
    expect(classifyRequest(401)).toMatchObject({ reason: expect.stringMatching(/check api_key or username\/password/) });
  });

  it.each([
    [201, 'create', 'ok'],
    [409, 'create', 'duplicate'],
    [409, 'index', 'dead-letter'],
    [429, 'create', 'retry'],
    [503, 'index', 'retry'],
    [400, 'create', 'dead-letter'],
  ] as const)('an item answered %s to %s is %s', (status, op, outcome) => {
    expect(classifyItem(status, op)).toBe(outcome);
  });

  it('backs off exponentially with jitter, within bounds', () => {
    expect(backoffMs(0, 100, 10_000, () => 0.5)).toBe(100);
    expect(backoffMs(5, 100, 10_000, () => 0.5)).toBe(1600);
    expect(backoffMs(30, 100, 10_000, () => 0.999)).toBeLessThanOrEqual(10_000);
    expect(backoffMs(3, 100, 10_000, () => 0)).toBe(100);
  });
});

describe('bulk encoding', () => {
  it('names time-based indices from the event time', () => {
    expect(indexName('k8s-audit-events', '2026-11-20T09:00:00.0026Z', 'daily')).toBe('k8s-audit-events-2026.11.20');
    expect(indexName('k8s-audit-events', '2026-11-20T09:00:00Z', 'monthly')).toBe('k8s-audit-events-2026.11');
    expect(indexName('k8s-audit-events', 'garbage', 'daily')).toBe('k8s-audit-events-undated');
    expect(indexName('x', '2026-11-20T09:00:00Z', 'none')).toBe('x');
  });

  it('splits by bytes and by count, sending an oversized item alone', () => {
    const item = (bytes: number) => ({ lines: '', bytes, kind: 'event' as const, id: 'x', source: '' });
    expect(chunk([item(10), item(10), item(10)], 25, 100).map((c) => c.length)).toEqual([2, 1]);
    expect(chunk([item(1), item(1), item(1)], 1000, 2).map((c) => c.length)).toEqual([2, 1]);
    expect(chunk([item(100), item(1)], 10, 100).map((c) => c.length)).toEqual([1, 1]);
  });

  it('indexes alerts by their stable id, so a re-raised alert replaces itself', () => {
    const it = alertItem({ '@timestamp': '2026-11-20T09:00:00Z', alert: { id: 'abc', count: 1 } } as never, 'k8s-audit-alerts', 'daily');
    expect(it.lines.split('\n')[0]).toBe('{"index":{"_index":"k8s-audit-alerts-2026.11.20","_id":"abc"}}');
  });
});
