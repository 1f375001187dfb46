// Exceptions are reviewed data: each has a reason, maybe an owner and an expiry, and a scope.
// A matching exception suppresses the rule for that event and is counted, so reviewers can see
// which exceptions still earn their keep.
import type { AuditEvent } from '../core/audit-event.js';
import { compileCondition, type CompileEnv, type Predicate } from './condition.js';
import type { EvalContext } from './derived.js';
import type { ExceptionSpec } from './rule-schema.js';
import { globToRegExp } from './tuning.js';
import { compileGetter } from './fields.js';
import type { ContainerView } from '../enrich/workload.js';

const podContainers = compileGetter('$pod.containers');

export interface CompiledException {
  name: string;
  reason: string;
  owner?: string;
  expiresAt?: number;
  matches(event: AuditEvent, cluster: string, ctx: EvalContext): boolean;
  hits: number;
}

export function compileException(x: ExceptionSpec, env: CompileEnv): CompiledException {
  const checks: ((e: AuditEvent, cluster: string, ctx: EvalContext) => boolean)[] = [];
  const globs = (v: string | string[]) => (Array.isArray(v) ? v : [v]).map(globToRegExp);
  const anyGlob = (res: RegExp[], s: string | undefined) => {
    if (s === undefined) return false;
    for (const r of res) if (r.test(s)) return true;
    return false;
  };
  if (x.user) {
    const res = globs(x.user);
    checks.push((e) => anyGlob(res, e.user.username) || anyGlob(res, e.impersonatedUser?.username));
  }
  if (x.namespace) {
    const res = globs(x.namespace);
    checks.push((e) => anyGlob(res, e.objectRef?.namespace));
  }
  if (x.name_is) {
    const res = globs(x.name_is);
    checks.push((e) => anyGlob(res, e.objectRef?.name));
  }
  if (x.cluster) {
    const res = globs(x.cluster);
    checks.push((_e, cluster) => anyGlob(res, cluster));
  }
  if (x.user_agent) {
    const res = globs(x.user_agent);
    checks.push((e) => anyGlob(res, e.userAgent));
  }
  if (x.image) {
    // Every container of the request must be covered: one trusted image must not excuse another.
    const res = globs(x.image);
    checks.push((_e, _c, ctx) => {
      // The containers the rule's own $pod tests read, not parsed again.
      const cs = podContainers(undefined, ctx) as ContainerView[];
      return cs.length > 0 && cs.every((c) => c.imageRef !== undefined && (anyGlob(res, c.imageRef.repository) || anyGlob(res, c.imageRef.path) || anyGlob(res, c.imageRef.name) || anyGlob(res, c.image as string)));
    });
  }
  if (x.when !== undefined) {
    const p: Predicate = compileCondition(x.when, env);
    checks.push((e, _c, ctx) => p(e, ctx));
  }
  if (checks.length === 0) throw new Error(`exception "${x.name}" has no scope (user, namespace, name_is, image, cluster, user_agent or when); it would silence the rule entirely — disable the rule instead`);
  const expiresAt = x.expires === undefined ? undefined : new Date(x.expires).getTime();
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw new Error(`exception "${x.name}": expires "${String(x.expires)}" is not a date`);
  const compiled: CompiledException = {
    name: x.name,
    reason: x.reason,
    hits: 0,
    matches: (e, cluster, ctx) => {
      for (const c of checks) if (!c(e, cluster, ctx)) return false;
      return true;
    },
  };
  if (x.owner !== undefined) compiled.owner = x.owner;
  if (expiresAt !== undefined) compiled.expiresAt = expiresAt;
  return compiled;
}
