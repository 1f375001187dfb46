// Field paths in rules: dot-separated ("objectRef.resource"), with [brackets] for keys that contain
// dots ("annotations[authorization.k8s.io/decision]"), and a leading $ for derived fields
// ("$pod.containers.securityContext.privileged"). Arrays on the way are flattened, as Elasticsearch
// and KQL do, so "requestObject.spec.containers.image" yields every container's image.
//
// Getters are compiled per path: one to three plain segments (nearly every path in detectors/) read
// properties directly and fall back to the general walk only when they meet an array.
import { DERIVED, derivedField, type DerivedSlot, type EvalContext } from './derived.js';

/** Reads a compiled path from an event (or, inside `some`/`every`, from an element). */
export type Getter = (scope: unknown, ctx: EvalContext) => unknown;

export function parsePath(path: string): string[] {
  const segs: string[] = [];
  let i = 0;
  let cur = '';
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      if (cur) segs.push(cur);
      cur = '';
      i++;
    } else if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in field path "${path}"`);
      if (cur) segs.push(cur);
      cur = '';
      segs.push(path.slice(i + 1, end));
      i = end + 1;
    } else {
      cur += c;
      i++;
    }
  }
  if (cur) segs.push(cur);
  if (segs.length === 0) throw new Error(`empty field path "${path}"`);
  return segs;
}

export function compileGetter(path: string): Getter {
  return compileField(path).get;
}

/** A getter and a rough cost of one read, for ordering a condition's tests (see condition.ts). */
export function compileField(path: string): { get: Getter; cost: number } {
  const segs = parsePath(path);
  if (segs[0]!.startsWith('$')) {
    const name = segs[0]!.slice(1);
    const def = derivedField(name);
    if (!def) throw new Error(`unknown derived field "$${name}" in "${path}"; known: ${Object.keys(DERIVED).map((k) => `$${k}`).join(', ')}`);
    let rest = segs.slice(1);
    let source = def.source;
    const part = rest.length > 0 && def.parts && hasOwn.call(def.parts, rest[0]!) ? def.parts[rest[0]!] : undefined;
    if (part) {
      // `$actor.kind` computes the kind alone, not the whole actor to read its kind.
      source = part;
      rest = rest.slice(1);
    }
    const cost = def.cost + rest.length * 0.5;
    const read = rest.length === 0 ? undefined : walker(rest);
    if (source.slot) return { get: read ? READ_SLOT(source.slot, read) : SLOT(source.slot), cost };
    return { get: read ? READ_DIRECT(source.direct, read) : DIRECT(source.direct), cost };
  }
  return { get: plainGetter(segs), cost: segs.length * 0.5 };
}

type Derive = (e: EvalContext['event'], ctx: EvalContext) => unknown;
const SLOT = (slot: DerivedSlot): Getter => (_scope, ctx) => ctx.slot(slot);
const READ_SLOT = (slot: DerivedSlot, read: Reader): Getter => (_scope, ctx) => read(ctx.slot(slot));
const DIRECT = (derive: Derive): Getter => (_scope, ctx) => derive(ctx.event, ctx);
const READ_DIRECT = (derive: Derive, read: Reader): Getter => (_scope, ctx) => read(derive(ctx.event, ctx));

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Whether `o[key]` on a JSON object can only find an own property: nothing on Object.prototype has
 * this name. Other keys ("constructor", "__proto__", "toString") are read with an own-property check,
 * so a rule never reads Object.prototype.
 */
const plainKey = (key: string): boolean => !(key in Object.prototype);

type Reader = (v: unknown) => unknown;

/**
 * A path from the event (or a `some` element). One- and two-segment paths have always read the
 * scope itself as an object (an array scope is not flattened); longer ones walk it.
 */
function plainGetter(segs: readonly string[]): Getter {
  if (segs.length === 1) {
    const a = segs[0]!;
    if (!plainKey(a)) return (scope) => (scope !== null && typeof scope === 'object' ? own(scope, a) : undefined);
    return (scope) => (scope !== null && typeof scope === 'object' ? (scope as Record<string, unknown>)[a] : undefined);
  }
  if (segs.length === 2) {
    const [a, b] = segs as [string, string];
    if (!plainKey(a) || !plainKey(b)) {
      return (scope) => {
        const v = scope !== null && typeof scope === 'object' ? own(scope, a) : undefined;
        if (v === null || typeof v !== 'object') return undefined;
        return Array.isArray(v) ? walk(v, segs, 1) : own(v, b);
      };
    }
    // The common case (objectRef.resource, user.username) without the generic walk.
    return (scope) => {
      const v = scope !== null && typeof scope === 'object' ? (scope as Record<string, unknown>)[a] : undefined;
      if (v === null || typeof v !== 'object') return undefined;
      return Array.isArray(v) ? walk(v, segs, 1) : (v as Record<string, unknown>)[b];
    };
  }
  return walker(segs);
}

/** walk(v, segs, 0), unrolled for paths of one to three plain segments. */
function walker(segs: readonly string[]): Reader {
  if (!segs.every(plainKey) || segs.length > 3) return (v) => walk(v, segs, 0);
  const [a, b, c] = segs as [string, string?, string?];
  if (b === undefined) {
    return (v) => {
      if (v === null || typeof v !== 'object') return undefined;
      return Array.isArray(v) ? walk(v, segs, 0) : (v as Record<string, unknown>)[a];
    };
  }
  if (c === undefined) {
    return (v) => {
      if (v === null || typeof v !== 'object') return undefined;
      if (Array.isArray(v)) return walk(v, segs, 0);
      const w = (v as Record<string, unknown>)[a];
      if (w === null || typeof w !== 'object') return undefined;
      return Array.isArray(w) ? walk(w, segs, 1) : (w as Record<string, unknown>)[b];
    };
  }
  return (v) => {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) return walk(v, segs, 0);
    const w = (v as Record<string, unknown>)[a];
    if (w === null || typeof w !== 'object') return undefined;
    if (Array.isArray(w)) return walk(w, segs, 1);
    const x = (w as Record<string, unknown>)[b];
    if (x === null || typeof x !== 'object') return undefined;
    return Array.isArray(x) ? walk(x, segs, 2) : (x as Record<string, unknown>)[c];
  };
}

/** Reads segs[i..] from v; an array on the way yields the values of all its elements, flattened. */
function walk(v: unknown, segs: readonly string[], i: number): unknown {
  for (; i < segs.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      collect(v, segs, i, out);
      return out.length ? out : undefined;
    }
    v = own(v, segs[i]!);
  }
  return v;
}

/** Appends to `out` what walking each element of `arr` from segs[i] yields (an array's items, one level). */
function collect(arr: readonly unknown[], segs: readonly string[], i: number, out: unknown[]): void {
  for (const el of arr) {
    let v = el;
    let j = i;
    for (; j < segs.length; j++) {
      if (v === null || typeof v !== 'object') {
        v = undefined;
        break;
      }
      if (Array.isArray(v)) {
        collect(v, segs, j, out);
        v = undefined;
        break;
      }
      v = own(v, segs[j]!);
    }
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(x);
    else out.push(v);
  }
}

// Own properties only: a rule must never read Object.prototype through "__proto__" or "constructor".
const own = (o: object, key: string): unknown => (hasOwn.call(o, key) ? (o as Record<string, unknown>)[key] : undefined);
