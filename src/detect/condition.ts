// Compiles a rule's `when` condition (YAML data) into a predicate, once, at load.
//
//   when:
//     objectRef.namespace: [kube-system, kube-public]       # list → one of
//     user.username: { not_in_list: allowed_k8s_users }      # operators
//     $pod.containers:                                       # element scope
//       some: { securityContext.privileged: true, imageRef.name: { not_in_list: privileged_images } }
//     objectRef.namespace: { eq_field: $actor.serviceAccount.namespace }   # another field of the event
//     any: [ {…}, {…} ]                                      # combinators: all, any, not, macro
//
// Several keys in one mapping must all hold. A field that yields several values (arrays are
// flattened) matches a positive operator when any value does; `not_in` and `not_in_list` hold when
// any value is outside the set. Use `every` / `none` for the other quantifiers.
//
// `eq_field` compares with another field of the same event rather than a constant: it holds when a
// value of this field equals a value of the other, and is false, never an error, when either is
// absent (undefined, null, "" or []). The other path is read where this one is: from the element
// inside `some` / `every` / `none`, from the event elsewhere ($fields always from the event). Negate
// it with `not`: `not: {objectRef.namespace: {eq_field: …}}` holds for a cluster-wide read too.
//
// Hot path (most rules run on every event): tests are pure functions of the event, so the members of
// an `all` or `any` are reordered cheapest first (a property read before a derived field before a
// regex) without changing what the condition means; nested `all`s are flattened, constant members
// (`{}` always holds, `{not: {}}` never) folded away; and each operator is a closure of its own with
// its set, prefixes or lower-cased needles prepared here, allocating nothing per call.
import type { EvalContext } from './derived.js';
import { compileField, type Getter } from './fields.js';
import { isObject } from '../core/is-object.js';
import { escapeRegExp, memberOf, memoStrings, sameScalar } from './scalar-tests.js';

export type Predicate = (scope: unknown, ctx: EvalContext) => boolean;

export interface CompileEnv {
  lists: ReadonlyMap<string, readonly string[]>;
  macros: ReadonlyMap<string, unknown>;
}

const COMBINATORS = new Set(['all', 'any', 'not', 'macro']);
/** Operators whose argument is the path of another field (body-needs.ts counts what it reads). */
export const FIELD_OPERATORS: ReadonlySet<string> = new Set(['eq_field']);

export class ConditionError extends Error {}

/** A compiled test and what the optimiser knows of it. */
interface Node {
  test: Predicate;
  /** Rough cost of one evaluation (a property read ≈ 1): cheaper members of `all`/`any` run first. */
  cost: number;
  /** Known without an event: `{}` always holds; `{not: {}}` never does. */
  constant?: boolean;
  /** Members of an `all` or `any`, to flatten nested ones. */
  all?: Node[];
  any?: Node[];
}

const TRUE: Node = { test: () => true, cost: 0, constant: true };
const FALSE: Node = { test: () => false, cost: 0, constant: false };

/** `fields` collects the event-level paths the condition reads, for an alert's evidence. */
export function compileCondition(node: unknown, env: CompileEnv, fields: Set<string> = new Set(), trail: string[] = []): Predicate {
  return compileNode(node, env, fields, trail).test;
}

function compileNode(node: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): Node {
  if (Array.isArray(node)) return allOf(node.map((n) => compileNode(n, env, fields, trail)));
  if (!isObject(node)) throw new ConditionError(`a condition must be a mapping of field → test, got ${JSON.stringify(node)}`);
  const parts: Node[] = [];
  for (const [key, spec] of Object.entries(node)) {
    if (COMBINATORS.has(key)) parts.push(compileCombinator(key, spec, env, fields, trail));
    else parts.push(compileFieldTest(key, spec, env, fields, trail));
  }
  return allOf(parts);
}

function compileCombinator(key: string, spec: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): Node {
  switch (key) {
    case 'all':
      if (!Array.isArray(spec)) throw new ConditionError('all: takes a list of conditions');
      return allOf(spec.map((n) => compileNode(n, env, fields, trail)));
    case 'any':
      if (!Array.isArray(spec)) throw new ConditionError('any: takes a list of conditions');
      return anyOf(spec.map((n) => compileNode(n, env, fields, trail)));
    case 'not':
      return notOf(compileNode(spec, env, fields, trail));
    default: {
      const name = String(spec);
      if (!env.macros.has(name)) throw new ConditionError(`unknown macro "${name}"`);
      if (trail.includes(name)) throw new ConditionError(`macro "${name}" refers to itself through ${trail.join(' → ')}`);
      // A macro is compiled once per catalogue, however many rules use it (`allowed` is in dozens).
      let compiled = compiledMacros(env).get(name);
      if (!compiled) {
        const own = new Set<string>();
        compiled = { node: compileNode(env.macros.get(name), env, own, [...trail, name]), fields: [...own] };
        compiledMacros(env).set(name, compiled);
      }
      for (const f of compiled.fields) fields.add(f);
      return compiled.node;
    }
  }
}

const macroCache = new WeakMap<CompileEnv, Map<string, { node: Node; fields: string[] }>>();
function compiledMacros(env: CompileEnv): Map<string, { node: Node; fields: string[] }> {
  let m = macroCache.get(env);
  if (!m) macroCache.set(env, (m = new Map()));
  return m;
}

function compileFieldTest(path: string, spec: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): Node {
  let field: ReturnType<typeof compileField>;
  try {
    field = compileField(path);
  } catch (e) {
    throw new ConditionError((e as Error).message);
  }
  fields.add(path);
  const { get } = field;
  const value = compileValueTest(path, spec, env, fields, trail);
  return { test: FIELD_TEST(get, value.test), cost: field.cost + value.cost };
}

/** A test of a field's value; `scope` is what the field was read from, for `eq_field`'s other field. */
type ValueTest = (v: unknown, ctx: EvalContext, scope: unknown) => boolean;

interface ValueNode {
  test: ValueTest;
  cost: number;
}

function compileValueTest(path: string, spec: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): ValueNode {
  if (spec === null) return { test: (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0), cost: 1 };
  if (Array.isArray(spec)) return compileOp(path, 'in', spec, env, fields, trail);
  if (isObject(spec)) {
    const tests = Object.entries(spec).map(([op, arg]) => compileOp(path, op, arg, env, fields, trail));
    if (tests.length === 1) return tests[0]!;
    // Operators on one value are as pure as fields: cheapest first.
    const ordered = stableSortByCost(tests);
    return { test: EVERY_TEST(ordered.map((t) => t.test)), cost: sumCost(ordered) };
  }
  return compileOp(path, 'eq', spec, env, fields, trail);
}

/** A test of one value, applied to a field that yields one value or several (an array): true when any is. */
function anyValue(one: (x: unknown) => boolean, cost: number): ValueNode {
  return { test: ANY_VALUE(one), cost };
}

function compileOp(path: string, op: string, arg: unknown, env: CompileEnv, fields: Set<string>, trail: string[]): ValueNode {
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
  switch (op) {
    case 'eq': {
      // YAML says `code: 101` or `code: "101"`; both mean the same scalar.
      const want = arg;
      const wantString = String(want);
      const one = (x: unknown) => (typeof x === 'string' ? x === wantString : x === want || (x !== undefined && x !== null && typeof x !== 'object' && String(x) === wantString));
      return {
        test: (v) => {
          if (typeof v === 'string') return v === wantString;
          if (!Array.isArray(v)) return v !== undefined && one(v);
          for (let i = 0; i < v.length; i++) if (one(v[i])) return true;
          return false;
        },
        cost: 1,
      };
    }
    case 'in':
    case 'in_list': {
      const has = memberOf(op === 'in' ? strings(arg) : list(arg));
      return {
        test: (v) => {
          if (!Array.isArray(v)) return v !== undefined && has(v);
          for (let i = 0; i < v.length; i++) if (has(v[i])) return true;
          return false;
        },
        cost: 1,
      };
    }
    case 'not_in':
    case 'not_in_list': {
      const has = memberOf(op === 'not_in' ? strings(arg) : list(arg));
      return {
        test: (v) => {
          if (v === undefined) return true;
          if (!Array.isArray(v)) return !has(v);
          if (v.length === 0) return true;
          for (let i = 0; i < v.length; i++) if (!has(v[i])) return true;
          return false;
        },
        cost: 1,
      };
    }
    case 'prefix':
    case 'prefix_list': {
      const ps = op === 'prefix' ? strings(arg) : list(arg);
      const one = (x: unknown) => {
        if (typeof x !== 'string') return false;
        for (let i = 0; i < ps.length; i++) if (x.startsWith(ps[i]!)) return true;
        return false;
      };
      return {
        test: (v) => {
          if (!Array.isArray(v)) return one(v);
          for (let i = 0; i < v.length; i++) if (one(v[i])) return true;
          return false;
        },
        cost: 1 + (ps.length - 1) * 0.25,
      };
    }
    case 'suffix': {
      const ss = strings(arg);
      return anyValue((x) => {
        if (typeof x !== 'string') return false;
        for (let i = 0; i < ss.length; i++) if (x.endsWith(ss[i]!)) return true;
        return false;
      }, 1 + (ss.length - 1) * 0.25);
    }
    case 'contains':
    case 'contains_list':
    case 'icontains': {
      const raw = op === 'contains_list' ? list(arg) : strings(arg);
      const fold = op === 'icontains';
      const needles = fold ? raw.map((n) => n.toLowerCase()) : raw;
      // One scan for all needles (a regex alternation of the escaped needles: it matches exactly when
      // one needle occurs), on the value lower-cased once for icontains; and the answer memoised per
      // string, as the fields these read (userAgent, ConfigMap keys) repeat a few values endlessly.
      // Measured on userAgent against 12 needles: 270 ns (lower-case per needle, 12 includes) →
      // 95 ns (one lower-case, one regex) → 25 ns (memoised).
      let one: (x: string) => boolean;
      if (needles.length === 0) one = () => false;
      else if (needles.length === 1) {
        const n = needles[0]!;
        one = fold ? (x) => x.toLowerCase().includes(n) : (x) => x.includes(n);
      } else {
        const re = new RegExp(needles.map(escapeRegExp).join('|'));
        one = memoStrings(fold ? (x) => re.test(x.toLowerCase()) : (x) => re.test(x));
      }
      return anyValue((x) => typeof x === 'string' && one(x), 3);
    }
    case 'regex':
    case 'iregex': {
      let re: RegExp;
      try {
        re = new RegExp(String(arg), op === 'iregex' ? 'i' : '');
      } catch (e) {
        throw new ConditionError(`${where}: ${(e as Error).message}`);
      }
      // Anchored patterns fail fast; the rest (`kubernetes_client_ua`'s long alternation) are memoised.
      const one = String(arg).startsWith('^') && op === 'regex' ? (x: string) => re.test(x) : memoStrings((x) => re.test(x));
      return {
        test: (v) => {
          if (typeof v === 'string') return one(v);
          if (!Array.isArray(v)) return false;
          for (let i = 0; i < v.length; i++) {
            const x = v[i];
            if (typeof x === 'string' && one(x)) return true;
          }
          return false;
        },
        cost: 6,
      };
    }
    case 'eq_field': {
      if (typeof arg !== 'string') throw new ConditionError(`${where} takes the path of another field of the event, e.g. {eq_field: $actor.serviceAccount.namespace}, got ${JSON.stringify(arg)}`);
      let other: ReturnType<typeof compileField>;
      try {
        other = compileField(arg);
      } catch (e) {
        throw new ConditionError(`${where}: ${(e as Error).message}`);
      }
      // The other field is evidence too: an alert shows both sides of the comparison.
      fields.add(arg);
      return { test: EQ_FIELD(other.get), cost: 1 + other.cost };
    }
    case 'exists': {
      const want = arg !== false;
      return { test: (v) => (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) === want, cost: 1 };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = Number(arg);
      if (Number.isNaN(n)) throw new ConditionError(`${where} takes a number`);
      const cmp =
        op === 'gt' ? (x: unknown) => typeof x === 'number' && x > n
        : op === 'gte' ? (x: unknown) => typeof x === 'number' && x >= n
        : op === 'lt' ? (x: unknown) => typeof x === 'number' && x < n
        : (x: unknown) => typeof x === 'number' && x <= n;
      return anyValue(cmp, 1);
    }
    case 'some':
    case 'every':
    case 'none': {
      // Inside, plain paths are relative to each element; $fields still read the event.
      const inner = compileNode(arg, env, new Set(), trail);
      const p = inner.test;
      const cost = 2 + inner.cost * 3;
      return { test: (op === 'some' ? SOME : op === 'none' ? NONE : EVERY)(p), cost };
    }
    case 'not': {
      const t = compileValueTest(path, arg, env, fields, trail);
      return { test: VALUE_NOT(t.test), cost: t.cost };
    }
    default:
      throw new ConditionError(`${where}: unknown operator; use eq, eq_field, in, not_in, in_list, not_in_list, prefix, prefix_list, suffix, contains, contains_list, icontains, regex, iregex, exists, gt, gte, lt, lte, some, every, none, not`);
  }
}

/** Conjunction: constants folded, nested conjunctions flattened, cheapest member first. */
function allOf(nodes: readonly Node[]): Node {
  const members: Node[] = [];
  for (const n of nodes) {
    if (n.constant === true) continue;
    if (n.constant === false) return FALSE;
    if (n.all) members.push(...n.all);
    else members.push(n);
  }
  if (members.length === 0) return TRUE;
  if (members.length === 1) return members[0]!;
  const ordered = stableSortByCost(members);
  return { test: conjunction(ordered.map((n) => n.test)), cost: sumCost(ordered), all: ordered };
}

/** Disjunction: constants folded, nested disjunctions flattened, cheapest member first. */
function anyOf(nodes: readonly Node[]): Node {
  const members: Node[] = [];
  for (const n of nodes) {
    if (n.constant === false) continue;
    if (n.constant === true) return TRUE;
    if (n.any) members.push(...n.any);
    else members.push(n);
  }
  if (members.length === 0) return FALSE;
  if (members.length === 1) return members[0]!;
  const ordered = stableSortByCost(members);
  return { test: disjunction(ordered.map((n) => n.test)), cost: sumCost(ordered), any: ordered };
}

function notOf(n: Node): Node {
  if (n.constant !== undefined) return n.constant ? FALSE : TRUE;
  return { test: NOT(n.test), cost: n.cost };
}

function conjunction(ps: readonly Predicate[]): Predicate {
  if (ps.length === 2) return AND2(ps[0]!, ps[1]!);
  if (ps.length === 3) return AND3(ps[0]!, ps[1]!, ps[2]!);
  return AND(ps);
}

function disjunction(ps: readonly Predicate[]): Predicate {
  if (ps.length === 2) return OR2(ps[0]!, ps[1]!);
  if (ps.length === 3) return OR3(ps[0]!, ps[1]!, ps[2]!);
  return OR(ps);
}

// The closures predicates are made of. (Recompiling a copy of each per use, so that every call in
// them stays monomorphic, was measured: 3–5% less detect CPU, not worth code compiled from strings.)
const FIELD_TEST = (get: Getter, t: ValueTest): Predicate => (s, c) => t(get(s, c), c, s);
const NOT = (p: Predicate): Predicate => (s, c) => !p(s, c);
const AND2 = (a: Predicate, b: Predicate): Predicate => (s, c) => a(s, c) && b(s, c);
const AND3 = (a: Predicate, b: Predicate, d: Predicate): Predicate => (s, c) => a(s, c) && b(s, c) && d(s, c);
const AND = (ps: readonly Predicate[]): Predicate => (s, c) => {
  for (let i = 0; i < ps.length; i++) if (!ps[i]!(s, c)) return false;
  return true;
};
const OR2 = (a: Predicate, b: Predicate): Predicate => (s, c) => a(s, c) || b(s, c);
const OR3 = (a: Predicate, b: Predicate, d: Predicate): Predicate => (s, c) => a(s, c) || b(s, c) || d(s, c);
const OR = (ps: readonly Predicate[]): Predicate => (s, c) => {
  for (let i = 0; i < ps.length; i++) if (ps[i]!(s, c)) return true;
  return false;
};
/** Several operators on one value: all must hold. */
const EVERY_TEST = (ts: readonly ValueTest[]): ValueTest => (v, c, s) => {
  for (let i = 0; i < ts.length; i++) if (!ts[i]!(v, c, s)) return false;
  return true;
};
const VALUE_NOT = (t: ValueTest): ValueTest => (v, c, s) => !t(v, c, s);
/**
 * eq_field: some value of this field is the same scalar as some value of the other, read from the
 * same scope. Absent on either side is false. Loops, not sets: both sides hold one value or a few.
 */
const EQ_FIELD = (getOther: Getter): ValueTest => (v, c, s) => {
  if (v === undefined || v === null || v === '') return false;
  const w = getOther(s, c);
  if (w === undefined || w === null || w === '') return false;
  if (!Array.isArray(v)) {
    if (!Array.isArray(w)) return sameScalar(v, w);
    for (let j = 0; j < w.length; j++) if (sameScalar(v, w[j])) return true;
    return false;
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Array.isArray(w)) {
      if (sameScalar(x, w)) return true;
    } else for (let j = 0; j < w.length; j++) if (sameScalar(x, w[j])) return true;
  }
  return false;
};
/** A test of one value applied to a field that yields one value or several (an array): true when any is. */
const ANY_VALUE = (one: (x: unknown) => boolean): ValueTest => (v) => {
  if (!Array.isArray(v)) return v !== undefined && one(v);
  for (let i = 0; i < v.length; i++) if (one(v[i])) return true;
  return false;
};
// some / every / none: the elements are none for undefined or null, the items of an array, else the value itself.
const SOME = (p: Predicate): ValueTest => (v, c) => {
  if (v === undefined || v === null) return false;
  if (!Array.isArray(v)) return p(v, c);
  for (let i = 0; i < v.length; i++) if (p(v[i], c)) return true;
  return false;
};
const NONE = (p: Predicate): ValueTest => (v, c) => {
  if (v === undefined || v === null) return true;
  if (!Array.isArray(v)) return !p(v, c);
  for (let i = 0; i < v.length; i++) if (p(v[i], c)) return false;
  return true;
};
const EVERY = (p: Predicate): ValueTest => (v, c) => {
  if (v === undefined || v === null) return false;
  if (!Array.isArray(v)) return p(v, c);
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!p(v[i], c)) return false;
  return true;
};

/**
 * Cheaper first, by classes of cost that double (1, 2–3, 4–7, 8–15…): a member moves ahead only when
 * clearly cheaper, since the rule author's order often puts the most selective test first, which
 * costs cannot know. Array.prototype.sort is stable: within a class the author's order stays.
 */
function stableSortByCost<T extends { cost: number }>(xs: readonly T[]): T[] {
  const costClass = (x: T) => Math.floor(Math.log2(Math.max(1, x.cost)));
  return [...xs].sort((a, b) => costClass(a) - costClass(b));
}

const sumCost = (xs: readonly { cost: number }[]): number => xs.reduce((n, x) => n + x.cost, 0);
