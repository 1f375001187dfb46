// Field paths in rules: dot-separated ("objectRef.resource"), with [brackets] for keys that contain
// dots ("annotations[authorization.k8s.io/decision]"), and a leading $ for derived fields
// ("$pod.containers.securityContext.privileged"). Arrays on the way are flattened, as Elasticsearch
// and KQL do, so "requestObject.spec.containers.image" yields every container's image.
import { DERIVED, type EvalContext } from './derived.js';

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
  const segs = parsePath(path);
  if (segs[0]!.startsWith('$')) {
    const name = segs[0]!.slice(1);
    if (!DERIVED[name]) throw new Error(`unknown derived field "$${name}" in "${path}"; known: ${Object.keys(DERIVED).map((k) => `$${k}`).join(', ')}`);
    const rest = segs.slice(1);
    return (_scope, ctx) => walk(ctx.derived(name), rest, 0);
  }
  if (segs.length === 1) {
    const key = segs[0]!;
    return (scope) => (scope !== null && typeof scope === 'object' ? (scope as Record<string, unknown>)[key] : undefined);
  }
  if (segs.length === 2) {
    const [a, b] = segs as [string, string];
    // The common case (objectRef.resource, user.username) without the generic walk.
    return (scope) => {
      const v = scope !== null && typeof scope === 'object' ? (scope as Record<string, unknown>)[a] : undefined;
      if (v === null || typeof v !== 'object') return undefined;
      return Array.isArray(v) ? walk(v, [b], 0) : (v as Record<string, unknown>)[b];
    };
  }
  return (scope) => walk(scope, segs, 0);
}

function walk(v: unknown, segs: readonly string[], i: number): unknown {
  for (; i < segs.length; i++) {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const el of v) {
        const r = walk(el, segs, i);
        if (r === undefined) continue;
        if (Array.isArray(r)) out.push(...r);
        else out.push(r);
      }
      return out.length ? out : undefined;
    }
    if (typeof v !== 'object') return undefined;
    // Own properties only: a rule must never read Object.prototype through "__proto__" or "constructor".
    const o = v as Record<string, unknown>;
    v = Object.prototype.hasOwnProperty.call(o, segs[i]!) ? o[segs[i]!] : undefined;
  }
  return v;
}
