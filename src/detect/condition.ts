// Compiles a rule's `when` condition (YAML data) into a predicate, once, at load.
//
//   when:
//     objectRef.namespace: [kube-system, kube-public]       # list → one of
//     user.username: { not_in_list: allowed_k8s_users }      # operators
//     $pod.containers:                                       # element scope
//       some: { securityContext.privileged: true, imageRef.name: { not_in_list: privileged_images } }
//     any: [ {…}, {…} ]                                      # combinators: all, any, not, macro
//
// Several keys in one mapping must all hold. A field that yields several values (arrays are
// flattened) matches a positive operator when any value does; `not_in` and `not_in_list` hold when
// any value is outside the set. Use `every` / `none` for the other quantifiers.
import type { EvalContext } from './derived.js';
import { compileGetter, type Getter } from './fields.js';
import { isObject } from '../core/is-object.js';

export type Predicate = (scope: unknown, ctx: EvalContext) => boolean;

export interface CompileEnv {
  lists: ReadonlyMap<string, readonly string[]>;
  macros: ReadonlyMap<string, unknown>;
}

const COMBINATORS = new Set(['all', 'any', 'not', 'macro']);

export class ConditionError extends Error {}

/** `fields` collects the event-level paths the condition reads, for an alert's evidence. */
export function compileCondition(node: unknown, env: CompileEnv, fields: Set<string> = new Set(), trail: string[] = []): Predicate {
  if (Array.isArray(node)) return and(node.map((n) => compileCondition(n, env, fields, trail)));
  if (!isObject(node)) throw new ConditionError(`a condition must be a mapping of field → test, got ${JSON.stringify(node)}`);
  const parts: Predicate[] = [];
  for (const [key, spec] of Object.entries(node)) {
    if (COMBINATORS.has(key)) parts.push(compileCombinator(key, spec, env, fields, trail));
    else parts.push(compileFieldTest(key, spec, env, fields, trail));
  }
  return and(parts);
}

function compileCombinator(key: string, spec: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): Predicate {
  switch (key) {
    case 'all':
      if (!Array.isArray(spec)) throw new ConditionError('all: takes a list of conditions');
      return and(spec.map((n) => compileCondition(n, env, fields, trail)));
    case 'any': {
      if (!Array.isArray(spec)) throw new ConditionError('any: takes a list of conditions');
      const ps = spec.map((n) => compileCondition(n, env, fields, trail));
      return (s, c) => {
        for (const p of ps) if (p(s, c)) return true;
        return false;
      };
    }
    case 'not': {
      const p = compileCondition(spec, env, fields, trail);
      return (s, c) => !p(s, c);
    }
    default: {
      const name = String(spec);
      if (!env.macros.has(name)) throw new ConditionError(`unknown macro "${name}"`);
      if (trail.includes(name)) throw new ConditionError(`macro "${name}" refers to itself through ${trail.join(' → ')}`);
      return compileCondition(env.macros.get(name), env, fields, [...trail, name]);
    }
  }
}

function compileFieldTest(path: string, spec: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): Predicate {
  let get: Getter;
  try {
    get = compileGetter(path);
  } catch (e) {
    throw new ConditionError((e as Error).message);
  }
  fields.add(path);
  const test = compileValueTest(path, spec, env, trail);
  return (s, c) => test(get(s, c), c);
}

type ValueTest = (v: unknown, ctx: EvalContext) => boolean;

function compileValueTest(path: string, spec: unknown, env: CompileEnv, trail: string[]): ValueTest {
  if (spec === null) return (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (Array.isArray(spec)) return compileOp(path, 'in', spec, env, trail);
  if (isObject(spec)) {
    const tests = Object.entries(spec).map(([op, arg]) => compileOp(path, op, arg, env, trail));
    return (v, c) => {
      for (const t of tests) if (!t(v, c)) return false;
      return true;
    };
  }
  return compileOp(path, 'eq', spec, env, trail);
}

const anyValue = (v: unknown, f: (x: unknown) => boolean): boolean => (Array.isArray(v) ? v.some(f) : v !== undefined && f(v));

function compileOp(path: string, op: string, arg: unknown, env: CompileEnv, trail: string[]): ValueTest {
  const where = `${path}: ${op}`;
  const strings = (a: unknown): string[] => {
    const list = Array.isArray(a) ? a : [a];
    for (const x of list) if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw new ConditionError(`${where} takes strings, got ${JSON.stringify(x)}`);
    return list.map(String);
  };
  const list = (name: unknown): string[] => {
    const l = env.lists.get(String(name));
    if (!l) throw new ConditionError(`${where} names unknown list "${String(name)}"`);
    return [...l];
  };
  // YAML says `code: 101` or `code: "101"`; both mean the same scalar.
  const eqTo = (want: unknown) => (x: unknown) => x === want || (x !== undefined && x !== null && typeof x !== 'object' && String(x) === String(want));
  switch (op) {
    case 'eq': {
      const f = eqTo(arg);
      return (v) => anyValue(v, f);
    }
    case 'in':
    case 'in_list': {
      const set = new Set(op === 'in' ? strings(arg) : list(arg));
      return (v) => anyValue(v, (x) => set.has(String(x)));
    }
    case 'not_in':
    case 'not_in_list': {
      const set = new Set(op === 'not_in' ? strings(arg) : list(arg));
      return (v) => (v === undefined ? true : Array.isArray(v) ? v.length === 0 || v.some((x) => !set.has(String(x))) : !set.has(String(v)));
    }
    case 'prefix':
    case 'prefix_list': {
      const ps = op === 'prefix' ? strings(arg) : list(arg);
      return (v) => anyValue(v, (x) => typeof x === 'string' && ps.some((p) => x.startsWith(p)));
    }
    case 'suffix': {
      const ss = strings(arg);
      return (v) => anyValue(v, (x) => typeof x === 'string' && ss.some((p) => x.endsWith(p)));
    }
    case 'contains':
    case 'contains_list':
    case 'icontains': {
      const raw = op === 'contains_list' ? list(arg) : strings(arg);
      const needles = op === 'icontains' ? raw.map((n) => n.toLowerCase()) : raw;
      const norm = op === 'icontains' ? (s: string) => s.toLowerCase() : (s: string) => s;
      return (v) => anyValue(v, (x) => typeof x === 'string' && needles.some((n) => norm(x).includes(n)));
    }
    case 'regex':
    case 'iregex': {
      let re: RegExp;
      try {
        re = new RegExp(String(arg), op === 'iregex' ? 'i' : '');
      } catch (e) {
        throw new ConditionError(`${where}: ${(e as Error).message}`);
      }
      return (v) => anyValue(v, (x) => typeof x === 'string' && re.test(x));
    }
    case 'exists': {
      const want = arg !== false;
      return (v) => (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) === want;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = Number(arg);
      if (Number.isNaN(n)) throw new ConditionError(`${where} takes a number`);
      const cmp = { gt: (x: number) => x > n, gte: (x: number) => x >= n, lt: (x: number) => x < n, lte: (x: number) => x <= n }[op];
      return (v) => anyValue(v, (x) => typeof x === 'number' && cmp(x));
    }
    case 'some':
    case 'every':
    case 'none': {
      // Inside, plain paths are relative to each element; $fields still read the event.
      const p = compileCondition(arg, env, new Set(), trail);
      const elements = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
      if (op === 'some') return (v, c) => elements(v).some((el) => p(el, c));
      if (op === 'every') return (v, c) => { const els = elements(v); return els.length > 0 && els.every((el) => p(el, c)); };
      return (v, c) => !elements(v).some((el) => p(el, c));
    }
    case 'not': {
      const t = compileValueTest(path, arg, env, trail);
      return (v, c) => !t(v, c);
    }
    default:
      throw new ConditionError(`${where}: unknown operator; use eq, in, not_in, in_list, not_in_list, prefix, prefix_list, suffix, contains, contains_list, icontains, regex, iregex, exists, gt, gte, lt, lte, some, every, none, not`);
  }
}

function and(ps: Predicate[]): Predicate {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (s, c) => a(s, c) && b(s, c);
  }
  return (s, c) => {
    for (const p of ps) if (!p(s, c)) return false;
    return true;
  };
}
