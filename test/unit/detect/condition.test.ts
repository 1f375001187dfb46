// Compiled conditions mean what the YAML says, whatever the compiler does to make them fast:
// members reordered cheapest first, constants folded, macros compiled once, answers memoised.
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { compileCondition, type CompileEnv } from '../../../src/detect/condition.js';
import { EvalContext } from '../../../src/detect/derived.js';
import { auditEvent } from '../../helpers/events.js';

const env = (macros: Record<string, unknown> = {}, lists: Record<string, string[]> = {}): CompileEnv => ({ lists: new Map(Object.entries(lists)), macros: new Map(Object.entries(macros)) });
const ev = (o: Record<string, unknown> = {}) => auditEvent(o) as unknown as AuditEvent;
const holds = (when: unknown, e: AuditEvent, e2: CompileEnv = env()) => compileCondition(when, e2)(e, new EvalContext(e));

describe('compiled conditions', () => {
  it('match a field that yields several values when any value matches, for every operator', () => {
    const e = ev({ requestObject: { spec: { containers: [{ image: 'nginx:1.27', name: 'Web' }, { image: 'redis', name: 'cache' }] } } });
    const images = 'requestObject.spec.containers.image';
    expect(holds({ [images]: 'redis' }, e)).toBe(true);
    expect(holds({ [images]: ['postgres', 'redis'] }, e)).toBe(true);
    expect(holds({ [images]: { prefix: 'ngi' } }, e)).toBe(true);
    expect(holds({ [images]: { suffix: '.27' } }, e)).toBe(true);
    expect(holds({ [images]: { contains: ['ostgre', 'edi'] } }, e)).toBe(true);
    expect(holds({ 'requestObject.spec.containers.name': { icontains: ['WEB', 'db'] } }, e)).toBe(true);
    expect(holds({ [images]: { regex: '^redis$' } }, e)).toBe(true);
    expect(holds({ [images]: { not_in: ['nginx:1.27'] } }, e)).toBe(true);
    expect(holds({ [images]: { not_in: ['nginx:1.27', 'redis'] } }, e)).toBe(false);
  });

  it('compares numbers and their YAML spellings as the same scalar', () => {
    const e = ev({ responseStatus: { code: 403 } });
    expect(holds({ 'responseStatus.code': [401, 403] }, e)).toBe(true);
    expect(holds({ 'responseStatus.code': ['401', '403'] }, e)).toBe(true);
    expect(holds({ 'responseStatus.code': '403' }, e)).toBe(true);
    expect(holds({ 'responseStatus.code': { not_in: ['403'] } }, e)).toBe(false);
    // "0403" is not how 403 prints, so it is not 403.
    expect(holds({ 'responseStatus.code': ['0403'] }, e)).toBe(false);
    expect(holds({ 'responseStatus.code': { gte: 400, lt: 404 } }, e)).toBe(true);
  });

  it('lower-cases once for icontains and still finds every needle, with or without memoised answers', () => {
    const t = compileCondition({ userAgent: { icontains: ['kube-hunter', 'Peirates', 'a.c'] } }, env());
    const check = (ua: string) => {
      const e = ev({ userAgent: ua });
      return t(e, new EvalContext(e));
    };
    for (let i = 0; i < 3; i++) {
      expect(check('Kube-Hunter/0.6.8')).toBe(true);
      expect(check('PEIRATES')).toBe(true);
      expect(check('kubectl/v1.30.2')).toBe(false);
      // Needles are literal text, not patterns: "a.c" does not match "abc".
      expect(check('abc')).toBe(false);
      expect(check('xa.cx')).toBe(true);
    }
  });

  it('keeps giving right answers when a memoised test meets more distinct values than it remembers', () => {
    const t = compileCondition({ userAgent: { icontains: ['scanner', 'hunter'] } }, env());
    for (let i = 0; i < 3000; i++) {
      const e = ev({ userAgent: i % 7 === 0 ? `Hunter-${i}` : `client-${i}` });
      expect(t(e, new EvalContext(e))).toBe(i % 7 === 0);
    }
  });

  it('means the same whatever order the members of all and any are evaluated in', () => {
    const when = {
      all: [
        { $path: { regex: '^/api' } },
        { 'user.username': { prefix: 'alice' } },
        { any: [{ $decision: 'forbid' }, { 'objectRef.resource': 'secrets' }] },
        { not: { '$actor.kind': 'anonymous' } },
      ],
    };
    expect(holds(when, ev())).toBe(true);
    expect(holds(when, ev({ user: { username: 'bob' } }))).toBe(false);
    expect(holds(when, ev({ requestURI: '/healthz' }))).toBe(false);
    expect(holds(when, ev({ objectRef: { resource: 'pods' } }))).toBe(false);
    expect(holds(when, ev({ objectRef: { resource: 'pods' }, annotations: { 'authorization.k8s.io/decision': 'forbid' } }))).toBe(true);
  });

  it('folds constant conditions: {} always holds, {not: {}} never, and any: [] never', () => {
    const e = ev();
    expect(holds({}, e)).toBe(true);
    expect(holds({ not: {} }, e)).toBe(false);
    expect(holds({ any: [] }, e)).toBe(false);
    expect(holds({ all: [] }, e)).toBe(true);
    expect(holds({ any: [{ not: {} }, {}] }, e)).toBe(true);
    expect(holds({ verb: 'get', macro: 'never' }, e, env({ never: { not: {} } }))).toBe(false);
  });

  it('compiles a macro once and gives each rule that uses it the fields it reads, for evidence', () => {
    const e2 = env({ allowed: { $decision: 'allow', 'user.username': { exists: true } } });
    const a = new Set<string>();
    const b = new Set<string>();
    compileCondition({ verb: 'get', macro: 'allowed' }, e2, a);
    compileCondition({ macro: 'allowed' }, e2, b);
    expect([...a]).toEqual(['verb', '$decision', 'user.username']);
    expect([...b]).toEqual(['$decision', 'user.username']);
  });

  it('still reports macros that refer to themselves', () => {
    expect(() => compileCondition({ macro: 'a' }, env({ a: { macro: 'b' }, b: { macro: 'a' } }))).toThrow(/macro "a" refers to itself through a → b/);
  });

  it('applies some, every and none to the elements of a field, with $fields still read from the event', () => {
    const e = ev({ requestObject: { kind: 'Pod', spec: { containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b' }] } } });
    expect(holds({ '$pod.containers': { some: { 'securityContext.privileged': true, $decision: 'allow' } } }, e)).toBe(true);
    expect(holds({ '$pod.containers': { every: { 'securityContext.privileged': true } } }, e)).toBe(false);
    expect(holds({ '$pod.containers': { none: { name: 'c' } } }, e)).toBe(true);
    expect(holds({ 'requestObject.spec.volumes': { every: {} } }, e)).toBe(false);
    expect(holds({ 'requestObject.spec.volumes': { none: {} } }, e)).toBe(true);
  });
});

describe('eq_field: a field compared with another field of the same event', () => {
  const sa = (username: string, namespace?: string | null) => ev({ user: { username }, objectRef: { resource: 'secrets', ...(namespace === undefined ? {} : { namespace }), name: 'x' } });
  const own = { 'objectRef.namespace': { eq_field: '$actor.serviceAccount.namespace' } };
  const notOwn = { not: own };

  it("holds for a service account reading in its own namespace, not in another's", () => {
    expect(holds(own, sa('system:serviceaccount:shop:web', 'shop'))).toBe(true);
    expect(holds(own, sa('system:serviceaccount:shop:web', 'payments'))).toBe(false);
    expect(holds(notOwn, sa('system:serviceaccount:shop:web', 'payments'))).toBe(true);
    // A namespace that only starts like the account's is another namespace.
    expect(holds(own, sa('system:serviceaccount:shop:web', 'shop-staging'))).toBe(false);
  });

  it('is false, not an error, when the other field is missing: a person or a node has no service-account namespace', () => {
    for (const user of ['alice@example.com', 'system:node:worker-1', 'system:anonymous', 'system:serviceaccount:']) {
      expect(holds(own, sa(user, 'shop')), user).toBe(false);
      expect(holds(notOwn, sa(user, 'shop')), user).toBe(true);
    }
    expect(holds({ 'objectRef.namespace': { eq_field: 'requestObject.metadata.namespace' } }, ev())).toBe(false);
    expect(holds({ 'objectRef.namespace': { eq_field: 'user.extra.nothing.here' } }, ev({ user: { username: 'u', extra: null } }))).toBe(false);
  });

  it('is false when this field is missing, null or empty: a cluster-wide read is nobody\'s own namespace', () => {
    for (const ns of [undefined, null, '']) {
      expect(holds(own, sa('system:serviceaccount:shop:web', ns)), String(ns)).toBe(false);
      expect(holds(notOwn, sa('system:serviceaccount:shop:web', ns)), String(ns)).toBe(true);
    }
    expect(holds(own, ev({ user: { username: 'system:serviceaccount:shop:web' }, objectRef: undefined }))).toBe(false);
  });

  it('never takes two absent values for equal ones, nor an empty string for a value', () => {
    const e = ev({ a: { x: '', y: '' }, b: { x: null, y: null }, c: { x: [], y: [] } });
    for (const o of ['a', 'b', 'c', 'd']) expect(holds({ [`${o}.x`]: { eq_field: `${o}.y` } }, e), o).toBe(false);
  });

  it('compares scalars as eq does: a number equals its YAML spelling, objects equal nothing', () => {
    const e = ev({ responseStatus: { code: 403 }, annotations: { expected: '403', on: true, flag: 'true', one: 1 }, requestObject: { a: { k: 1 }, b: { k: 1 } } });
    expect(holds({ 'responseStatus.code': { eq_field: 'annotations.expected' } }, e)).toBe(true);
    expect(holds({ 'annotations.expected': { eq_field: 'responseStatus.code' } }, e)).toBe(true);
    expect(holds({ 'annotations.on': { eq_field: 'annotations.flag' } }, e)).toBe(true);
    expect(holds({ 'annotations.on': { eq_field: 'annotations.one' } }, e)).toBe(false);
    expect(holds({ 'requestObject.a': { eq_field: 'requestObject.b' } }, e)).toBe(false);
    expect(holds({ 'requestObject.a': { eq_field: 'requestObject.a' } }, e)).toBe(false);
  });

  it('holds when any value of one field equals any value of the other, arrays on either side', () => {
    const e = ev({ sourceIPs: ['10.0.0.1', '203.0.113.7'], requestObject: { spec: { allowed: ['198.51.100.1', '203.0.113.7'], one: '10.0.0.1', none: ['192.0.2.1'] } } });
    expect(holds({ sourceIPs: { eq_field: 'requestObject.spec.allowed' } }, e)).toBe(true);
    expect(holds({ sourceIPs: { eq_field: 'requestObject.spec.one' } }, e)).toBe(true);
    expect(holds({ 'requestObject.spec.one': { eq_field: 'sourceIPs' } }, e)).toBe(true);
    expect(holds({ sourceIPs: { eq_field: 'requestObject.spec.none' } }, e)).toBe(false);
  });

  it('reads the other path from the element inside some, every and none, and $fields from the event', () => {
    const e = ev({
      user: { username: 'system:serviceaccount:shop:web' },
      requestObject: { spec: { containers: [{ name: 'web', image: 'web', workingDir: 'shop' }, { name: 'sidecar', image: 'envoy', workingDir: '/' }] } },
    });
    const containers = 'requestObject.spec.containers';
    expect(holds({ [containers]: { some: { name: { eq_field: 'image' } } } }, e)).toBe(true);
    expect(holds({ [containers]: { every: { name: { eq_field: 'image' } } } }, e)).toBe(false);
    expect(holds({ [containers]: { none: { name: { eq_field: 'workingDir' } } } }, e)).toBe(true);
    expect(holds({ [containers]: { some: { workingDir: { eq_field: '$actor.serviceAccount.namespace' } } } }, e)).toBe(true);
  });

  it('combines with the other operators on one value, and under not', () => {
    const e = sa('system:serviceaccount:shop:web', 'shop');
    expect(holds({ 'objectRef.namespace': { eq_field: '$actor.serviceAccount.namespace', prefix: 'sh' } }, e)).toBe(true);
    expect(holds({ 'objectRef.namespace': { eq_field: '$actor.serviceAccount.namespace', in: ['payments'] } }, e)).toBe(false);
    expect(holds({ 'objectRef.namespace': { not: { eq_field: '$actor.serviceAccount.namespace' } } }, e)).toBe(false);
    expect(holds({ 'objectRef.namespace': { not: { eq_field: '$actor.serviceAccount.namespace' } } }, sa('system:serviceaccount:shop:web', 'payments'))).toBe(true);
    expect(holds({ any: [{ verb: 'list' }, own] }, e)).toBe(true);
  });

  it('records the other field as evidence, and refuses an argument that is not a field path', () => {
    const fields = new Set<string>();
    compileCondition(own, env(), fields);
    expect([...fields]).toEqual(['objectRef.namespace', '$actor.serviceAccount.namespace']);
    expect(() => compileCondition({ 'objectRef.namespace': { eq_field: ['a', 'b'] } }, env())).toThrow(/objectRef.namespace: eq_field takes the path of another field/);
    expect(() => compileCondition({ 'objectRef.namespace': { eq_field: 7 } }, env())).toThrow(/eq_field takes the path of another field/);
    expect(() => compileCondition({ 'objectRef.namespace': { eq_field: '$nope.namespace' } }, env())).toThrow(/eq_field: unknown derived field "\$nope"/);
    expect(() => compileCondition({ 'objectRef.namespace': { eq_feild: 'x' } }, env())).toThrow(/unknown operator; use eq, eq_field/);
  });
});
