// Which request/response bodies the enabled rules may read, for decode's `bodies` option: a body no
// candidate rule of an event reads is not parsed at all, only carried into the document as text
// (decode/body-split.ts). Computed once from the compiled catalogue, conservatively: a rule counts
// as reading a body when anything it evaluates could — its `when` (macros expanded), sequence steps
// and keys, window group_by/distinct, the evidence it records, and its exceptions (`image` and
// `when`; an exception this file cannot inspect counts as reading both). Per event it is the union
// over the rules whose gate (verb, resource, subresource, apiGroup, stage) the event passes — the
// same gate the matcher applies before it evaluates anything.
import { BOTH_BODIES, REQUEST_BODY, RESPONSE_BODY, type BodyNeeds } from '../decode/body-split.js';
import { passesGate, type Catalogue, type CompiledRule } from './catalogue.js';
import { FIELD_OPERATORS } from './condition.js';
import type { CompiledException } from './exception.js';
import { parsePath } from './fields.js';
import type { ExceptionSpec } from './rule-schema.js';

/**
 * Derived fields ($name) by the bodies they read. Names not listed read both (a new derived field
 * is assumed to read bodies until it is listed here); test/unit/detect/body-needs.test.ts checks the
 * body-free ones give the same value with the bodies removed.
 */
const DERIVED_READS: Readonly<Record<string, number>> = {
  actor: 0,
  effective: 0,
  decision: 0,
  target: 0,
  code: 0,
  path: 0,
  exec: 0,
  configmap: REQUEST_BODY,
  labels: REQUEST_BODY,
  labels_removed: REQUEST_BODY,
};

export function bodyNeeds(catalogue: Catalogue): BodyNeeds {
  const macros = catalogue.macros;
  const readers: { rule: CompiledRule; bits: number }[] = [];
  for (const rule of catalogue.rules) {
    const bits = ruleReads(rule, macros);
    if (bits) readers.push({ rule, bits });
  }
  // Most events (get, list, watch, leases…) have no reading rule for their verb: answered without a key.
  const verbs = new Set<string>();
  let anyVerb = false;
  for (const { rule } of readers) {
    if (rule.verbs === null) anyVerb = true;
    else for (const v of rule.verbs) verbs.add(v);
  }
  const cache = new Map<string, number>();
  return (verb, resource, subresource, apiGroup, stage) => {
    if (!anyVerb && !verbs.has(verb)) return 0;
    const key = `${verb}\0${resource}\0${subresource}\0${apiGroup}\0${stage}`;
    let bits = cache.get(key);
    if (bits === undefined) {
      bits = 0;
      for (const r of readers) if (passesGate(r.rule, verb, resource, stage, subresource, apiGroup)) bits |= r.bits;
      if (cache.size < 10_000) cache.set(key, bits);
    }
    return bits;
  };
}

/** The bodies one compiled rule may read. */
export function ruleReads(rule: CompiledRule, macros: ReadonlyMap<string, unknown>): number {
  const spec = rule.spec;
  let bits = conditionReads(spec.when, macros) | conditionReads(spec.sequence, macros) | conditionReads(spec.window, macros);
  for (const p of spec.sequence?.by ?? []) bits |= pathReads(p);
  for (const p of spec.window?.group_by ?? []) bits |= pathReads(p);
  if (spec.window?.distinct) bits |= pathReads(spec.window.distinct);
  for (const f of rule.evidence) bits |= pathReads(f.path);
  for (const x of rule.exceptions) bits |= exceptionReads(rule, x, macros);
  return bits;
}

/**
 * Every key anywhere in a condition tree taken as a field path (combinators and operators read no
 * body), and the argument of an operator naming another field (`eq_field`), macros expanded: a
 * superset of the paths the compiled condition reads, inside `some` and `not` included.
 */
function conditionReads(node: unknown, macros: ReadonlyMap<string, unknown>, trail: readonly string[] = []): number {
  if (Array.isArray(node)) {
    let bits = 0;
    for (const n of node) bits |= conditionReads(n, macros, trail);
    return bits;
  }
  if (typeof node !== 'object' || node === null) return 0;
  let bits = 0;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'macro') {
      const name = String(value);
      if (!trail.includes(name)) bits |= conditionReads(macros.get(name), macros, [...trail, name]);
      continue;
    }
    // `{eq_field: $pod.spec.nodeName}`: the argument is a path too (a key so named taken as one as well).
    if (FIELD_OPERATORS.has(key) && typeof value === 'string') bits |= pathReads(value);
    bits |= pathReads(key) | conditionReads(value, macros, trail);
  }
  return bits;
}

/** The bodies a field path reads: requestObject.…, responseObject.…, or a derived field that reads them. */
export function pathReads(path: string): number {
  let first: string;
  try {
    first = parsePath(path)[0]!;
  } catch {
    return BOTH_BODIES; // not a path the rules could compile; do not guess
  }
  if (first === 'requestObject') return REQUEST_BODY;
  if (first === 'responseObject') return RESPONSE_BODY;
  if (!first.startsWith('$')) return 0;
  return DERIVED_READS[first.slice(1)] ?? BOTH_BODIES;
}

/**
 * An exception's scope, from the rule's own spec (tuning's are merged into the compiled rule
 * without theirs): `image` reads the pod spec of either body, `when` what its paths name.
 */
function exceptionReads(rule: CompiledRule, x: CompiledException, macros: ReadonlyMap<string, unknown>): number {
  const spec = (x as { spec?: ExceptionSpec }).spec ?? rule.spec.exceptions.find((s) => s.name === x.name && s.reason === x.reason);
  if (!spec) return BOTH_BODIES;
  return (spec.image !== undefined ? BOTH_BODIES : 0) | conditionReads(spec.when, macros);
}
