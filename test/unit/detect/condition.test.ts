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
