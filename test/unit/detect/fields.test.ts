// Field paths: the unrolled getters for short paths read exactly what the general walk reads.
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { DERIVED, EvalContext } from '../../../src/detect/derived.js';
import { compileGetter } from '../../../src/detect/fields.js';
import { auditEvent } from '../../helpers/events.js';

const ev = (o: Record<string, unknown> = {}) => auditEvent(o) as unknown as AuditEvent;
const read = (path: string, scope: unknown, e: AuditEvent = ev()) => compileGetter(path)(scope, new EvalContext(e));

describe('field getters', () => {
  it('flatten arrays met on the way, one level per array, at any depth of the path', () => {
    const o = { a: [{ b: { c: [1, 2] } }, { b: { c: 3 } }, { b: [{ c: 4 }, { c: [[5]] }] }, null, 'x'] };
    expect(read('a.b.c', o)).toEqual([1, 2, 3, 4, [5]]);
    expect(read('a.b', o)).toEqual([{ c: [1, 2] }, { c: 3 }, { c: 4 }, { c: [[5]] }]);
    expect(read('a.b.c.d', o)).toBeUndefined();
    expect(read('x.y.z.w', { x: { y: { z: { w: 'deep' } } } })).toBe('deep');
    expect(read('x.y.z', { x: { y: [{ z: 1 }, { q: 2 }] } })).toEqual([1]);
  });

  it('read bracketed keys that contain dots', () => {
    expect(read('annotations[authorization.k8s.io/decision]', ev())).toBe('allow');
  });

  it('never read Object.prototype, whatever the path length', () => {
    for (const path of ['constructor', 'user.constructor', 'user.username.toString', 'a.b.__proto__', 'requestObject.spec.hasOwnProperty']) {
      expect(read(path, ev({ requestObject: { spec: {} }, a: { b: {} } }))).toBeUndefined();
    }
    expect(read('a.constructor', { a: { constructor: 'own' } })).toBe('own');
  });

  it('compute a derived sub-field alone, equal to the same field of the whole derived value', () => {
    const e = ev({
      user: { username: 'system:serviceaccount:ci:deployer' },
      verb: 'create',
      requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&command=id&container=web',
      requestObject: { kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx' }], volumes: [{ hostPath: { path: '/etc' } }] } } } },
    });
    for (const [name, def] of Object.entries(DERIVED)) {
      const whole = new EvalContext(e).derived(name) as Record<string, unknown> | undefined;
      for (const part of Object.keys(def.parts ?? {})) {
        // Part first and whole second, in one context and in fresh ones: the memo must not mix them up.
        const ctx = new EvalContext(e);
        expect(compileGetter(`$${name}.${part}`)(e, ctx), `$${name}.${part}`).toEqual(whole?.[part]);
        expect(ctx.derived(name)).toEqual(whole);
      }
    }
    expect(compileGetter('$actor.kind')(e, new EvalContext(e))).toBe('service_account');
    expect(compileGetter('$exec.command')(e, new EvalContext(e))).toBe('sh -c id');
    expect(compileGetter('$pod.containers.imageRef.name')(e, new EvalContext(e))).toEqual(['nginx']);
    expect(compileGetter('$pod.hostPaths')(e, new EvalContext(e))).toEqual(['/etc']);
  });

  it('refuse unknown derived fields, including names Object.prototype has', () => {
    expect(() => compileGetter('$nope')).toThrow(/unknown derived field "\$nope"/);
    expect(() => compileGetter('$constructor')).toThrow(/unknown derived field/);
  });
});
