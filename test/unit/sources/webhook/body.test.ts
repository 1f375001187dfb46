import { describe, expect, it } from 'vitest';
import { judgeBody } from '../../../../src/sources/webhook/body.js';
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
