import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../../src/decode/decode.js';
import { createEnricher } from '../../../../src/enrich/enrich.js';
import { bodyRecords, judgeBody } from '../../../../src/sources/webhook/body.js';
import { auditEvent } from '../../../helpers/events.js';

describe('webhook body', () => {
  it('accepts an EventList whose items carry no kind or apiVersion, as kube-apiserver sends it', () => {
    const { kind: _k, apiVersion: _a, ...item } = auditEvent();
    const r = judgeBody(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [item, item] }));
    expect(r).toMatchObject({ ok: true, items: 2 });
  });

  it('accepts a bare array and a single event', () => {
    expect(judgeBody(JSON.stringify([auditEvent(), auditEvent(), auditEvent()]))).toMatchObject({ ok: true, items: 3 });
    expect(judgeBody(JSON.stringify(auditEvent()))).toMatchObject({ ok: true, items: 1 });
  });

  it('accepts an EventList with bad items: judging items is the decoder’s job', () => {
    expect(judgeBody('{"kind":"EventList","items":[1,{"x":2}]}')).toMatchObject({ ok: true, items: 2 });
  });

  it.each([
    ['not JSON', '{"kind":"EventList",', /^not valid JSON/],
    ['a scalar', '42', /a JSON number, not an audit EventList/],
    ['null', 'null', /a JSON null/],
    ['an EventList without items', '{"kind":"EventList","items":{}}', /EventList has no items array/],
    ['a different kind', '{"kind":"PodList","items":[]}', /kind "PodList"/],
    ['an unrelated object', '{"hello":"world"}', /keys hello/],
    ['an empty object', '{}', /an empty object/],
  ])('rejects %s with a reason', (_name, text, reason) => {
    const r = judgeBody(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('webhook body records', () => {
  const decoder = createDecoder({ defaultCluster: 'default' });
  const enrich = createEnricher({ redact: true });
  const body = (text: string) => {
    const size = Buffer.byteLength(text);
    const bytes = Buffer.alloc(size + 1);
    bytes.write(text);
    return { bytes, size };
  };
  const origin = { source: 'webhook/prod/1' };

  it('gives each EventList item as its own record, so the store keeps the item’s text instead of re-serialising it', () => {
    const items = [auditEvent(), auditEvent({ verb: 'delete' })].map(({ kind: _k, apiVersion: _a, ...e }) => JSON.stringify(e, null, 1));
    const r = bodyRecords(body(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items.join(',')}]}`), origin, 'prod');
    expect(r).toMatchObject({ ok: true, items: 2 });
    if (!r.ok) return;
    expect(r.records.map((x) => [x.text, x.origin, x.cluster])).toEqual([
      [items[0], { source: 'webhook/prod/1', item: 1 }, 'prod'],
      [items[1], { source: 'webhook/prod/1', item: 2 }, 'prod'],
    ]);
    const events = enrich(decoder.decode(r.records).events);
    expect(events.map((e) => e.eventJson())).toEqual(items);
    expect(events.map((e) => e.cluster)).toEqual(['prod', 'prod']);
  });

  it('dead-letters a bad item alone, with its own text and place, and keeps its neighbours', () => {
    const good = JSON.stringify(auditEvent());
    const r = bodyRecords(body(`{"kind":"EventList","items":[${good},{"auditID":"x","stage":"Nope"}]}`), origin, 'prod');
    if (!r.ok) throw new Error(r.reason);
    const out = decoder.decode(r.records);
    expect(out.events).toHaveLength(1);
    expect(out.rejected).toMatchObject([{ origin: { source: 'webhook/prod/1', item: 2 }, text: '{"auditID":"x","stage":"Nope"}', cluster: 'prod' }]);
  });

  it('parses other shapes whole, and refuses a malformed body with the reason', () => {
    const single = JSON.stringify(auditEvent());
    expect(bodyRecords(body(single), origin, 'prod')).toMatchObject({ ok: true, items: 1, records: [{ text: single, value: JSON.parse(single), origin, cluster: 'prod' }] });
    expect(bodyRecords(body('{"kind":"EventList","items":[1,{"x":2}]}'), origin, 'prod')).toMatchObject({ ok: true, items: 2, records: [{ value: { items: [1, { x: 2 }] } }] });
    expect(bodyRecords(body('{"kind":"EventList","items":[{"a":1}'), origin, 'prod')).toMatchObject({ ok: false, reason: /^not valid JSON/, record: { text: '{"kind":"EventList","items":[{"a":1}', origin, cluster: 'prod' } });
  });
});
