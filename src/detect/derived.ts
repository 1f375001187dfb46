// Fields computed from an event that rules can name with a `$` prefix, e.g. `$pod.containers`,
// `$exec.command`, `$actor.kind`. Each is computed at most once per event, on first use.
//
// Hot path: every rule without a verb/resource gate asks `$actor.kind` or `$decision` of every event.
// So the common sub-fields have derivations of their own (`$actor.kind` is actorKind(user) alone, not
// the whole actor with its service-account split), a few property reads are not memoised at all,
// and the memo is an array indexed by slot numbers fixed at module load, not a Map keyed by name.
import type { AuditEvent } from '../core/audit-event.js';
import { actorKind, serviceAccountOf } from '../enrich/actor.js';
import { execCommand, execContainer } from '../enrich/exec-command.js';
import { containersOf, podSpecOf, type ContainerView } from '../enrich/workload.js';
import { isObject } from '../core/is-object.js';

type Derive = (e: AuditEvent, ctx: EvalContext) => unknown;

/** A value computed from the event, memoised per event in slot `id` of the EvalContext. */
export interface DerivedSlot {
  readonly id: number;
  readonly derive: Derive;
}

/**
 * How a getter reads a derived value: `slot`, memoised, or `direct`, recomputed on every read
 * because it costs no more than the memo lookup (a property read or two).
 */
export type DerivedSource = { slot: DerivedSlot; direct?: undefined } | { direct: Derive; slot?: undefined };

export interface DerivedField {
  describe: string;
  /** The whole value. */
  source: DerivedSource;
  /**
   * Sub-fields with a cheaper derivation than the whole value's: `parts.kind` must always equal
   * the whole value's `kind` (the whole is built from the parts, so it does).
   */
  parts?: Readonly<Record<string, DerivedSource>>;
  /** Rough cost of computing it, for ordering the tests of a condition (see condition.ts). */
  cost: number;
}

const slots: DerivedSlot[] = [];
const memo = (derive: Derive): DerivedSource => {
  const slot = { id: slots.length, derive };
  slots.push(slot);
  return { slot };
};
const direct = (derive: Derive): DerivedSource => ({ direct: derive });

/** The value of a source for this event. */
export function readDerived(source: DerivedSource, ctx: EvalContext): unknown {
  return source.slot ? ctx.slot(source.slot) : source.direct(ctx.event, ctx);
}

const actorKindPart = memo((e) => actorKind(e.user));
const effectiveUser = (e: AuditEvent) => e.impersonatedUser ?? e.user;
const effectiveKind = memo((e) => actorKind(effectiveUser(e)));
const execArgs = memo((e) => execCommand(e.requestURI));
const execCommandLine = memo((e, c) => (c.slot(execArgs.slot!) as string[]).join(' '));
const execContainerPart = memo((e) => execContainer(e.requestURI));
const podSpec = memo((e) => podSpecOf(e.requestObject) ?? podSpecOf(e.responseObject));
const podContainers = memo((_e, c) => containersOf(c.slot(podSpec.slot!) as Record<string, unknown> | undefined));
const podHostPaths = memo((_e, c) => {
  const spec = c.slot(podSpec.slot!) as Record<string, unknown> | undefined;
  const volumes = spec && Array.isArray(spec.volumes) ? spec.volumes : [];
  const out: string[] = [];
  for (const v of volumes) if (isObject(v) && isObject(v.hostPath) && typeof v.hostPath.path === 'string') out.push(v.hostPath.path);
  return out;
});
const podImages = memo((_e, c) => {
  const out = [];
  for (const ct of c.slot(podContainers.slot!) as ContainerView[]) if (ct.imageRef) out.push(ct.imageRef);
  return out;
});

export const DERIVED: Readonly<Record<string, DerivedField>> = {
  actor: {
    describe: 'who acted: {kind: human|service_account|node|system_component|anonymous, name, serviceAccount: {namespace,name}}',
    source: memo((e, c) => ({ kind: c.slot(actorKindPart.slot!), name: e.user.username ?? '', serviceAccount: serviceAccountOf(e.user.username) })),
    parts: { kind: actorKindPart },
    cost: 4,
  },
  effective: {
    describe: 'the identity the request ran as: the impersonated user if any, else the user {username, groups, kind}',
    source: memo((e, c) => {
      const u = effectiveUser(e);
      return { username: u.username ?? '', groups: u.groups ?? [], kind: c.slot(effectiveKind.slot!) };
    }),
    parts: { kind: effectiveKind, username: direct((e) => effectiveUser(e).username ?? '') },
    cost: 4,
  },
  decision: {
    describe: 'the authorization decision annotation: allow | forbid | (absent)',
    source: direct((e) => e.annotations?.['authorization.k8s.io/decision']),
    cost: 1,
  },
  target: {
    describe: 'the object as one string, resource/namespace/name (subresource appended): distinct objects for windows',
    source: memo((e) => {
      const r = e.objectRef;
      if (!r) return undefined;
      return `${r.resource ?? ''}/${r.namespace ?? ''}/${r.name ?? ''}${r.subresource ? `/${r.subresource}` : ''}`;
    }),
    cost: 4,
  },
  code: { describe: 'responseStatus.code', source: direct((e) => e.responseStatus?.code), cost: 1 },
  path: {
    describe: 'requestURI without its query string',
    source: memo((e) => {
      const q = e.requestURI.indexOf('?');
      return q < 0 ? e.requestURI : e.requestURI.slice(0, q);
    }),
    cost: 2,
  },
  exec: {
    describe: 'for pods/exec: {command: the decoded command line, args: [...], container}',
    source: memo((_e, c) => ({ command: c.slot(execCommandLine.slot!), args: c.slot(execArgs.slot!), container: c.slot(execContainerPart.slot!) })),
    parts: { command: execCommandLine, args: execArgs, container: execContainerPart },
    cost: 10,
  },
  object: { describe: 'requestObject, else responseObject', source: direct((e) => e.requestObject ?? e.responseObject), cost: 1 },
  pod: {
    describe: 'the pod spec a request creates, from a Pod or any workload template: {spec, containers (all three lists, with containerKind and imageRef), hostPaths}',
    source: memo((_e, c) => ({ spec: c.slot(podSpec.slot!), containers: c.slot(podContainers.slot!), hostPaths: c.slot(podHostPaths.slot!), images: c.slot(podImages.slot!) })),
    parts: { spec: podSpec, containers: podContainers, hostPaths: podHostPaths, images: podImages },
    cost: 20,
  },
  rbac: {
    describe: 'for roles and bindings: {rules (from the request, else the response), roleRef, subjects}',
    source: memo((e) => {
      const o = (isObject(e.requestObject) ? e.requestObject : isObject(e.responseObject) ? e.responseObject : {}) as Record<string, unknown>;
      const res = isObject(e.responseObject) ? e.responseObject : {};
      return { rules: o.rules ?? res.rules ?? [], roleRef: o.roleRef ?? res.roleRef, subjects: o.subjects ?? res.subjects ?? [] };
    }),
    cost: 4,
  },
  configmap: {
    describe: "a ConfigMap's data as sent in the request: {keys, values} (values the enrich stage redacted read [redacted])",
    source: memo((e) => {
      const o = isObject(e.requestObject) ? e.requestObject : {};
      const maps = [o.data, o.binaryData].filter(isObject);
      return { keys: maps.flatMap((m) => Object.keys(m)), values: maps.flatMap((m) => Object.values(m)) };
    }),
    cost: 8,
  },
  labels_removed: {
    describe: 'label keys a merge patch sets to null (removes), e.g. `kubectl label ns shop pod-security.kubernetes.io/enforce-`',
    source: memo((e) => {
      const labels = isObject(e.requestObject) && isObject(e.requestObject.metadata) ? e.requestObject.metadata.labels : undefined;
      return isObject(labels) ? Object.keys(labels).filter((k) => labels[k] === null) : [];
    }),
    cost: 4,
  },
  labels: {
    describe: "the object's labels as sent in the request (create, update, patch)",
    source: direct((e) => (isObject(e.requestObject) && isObject(e.requestObject.metadata) ? e.requestObject.metadata.labels : undefined)),
    cost: 2,
  },
};

/** The derived field of a `$name`, if there is one (own keys only: `$constructor` is not a field). */
export function derivedField(name: string): DerivedField | undefined {
  return Object.prototype.hasOwnProperty.call(DERIVED, name) ? DERIVED[name] : undefined;
}

/** Marks a memo slot computed as `undefined`, so it is not computed again. */
const UNDEFINED = Symbol('undefined');

/** Per-event memo for derived fields; created only when a rule asks for one. */
export class EvalContext {
  private memo: unknown[] | undefined;
  constructor(readonly event: AuditEvent) {}

  /** The derived field `$name` of this event (undefined for an unknown name). */
  derived(name: string): unknown {
    const def = derivedField(name);
    return def ? readDerived(def.source, this) : undefined;
  }

  /** A memoised value: computed on the first read for this event. */
  slot(s: DerivedSlot): unknown {
    // A holey array, not filled: most events read two or three of the slots.
    const m = (this.memo ??= new Array<unknown>(slots.length));
    const v = m[s.id];
    if (v !== undefined) return v === UNDEFINED ? undefined : v;
    const computed = s.derive(this.event, this);
    m[s.id] = computed === undefined ? UNDEFINED : computed;
    return computed;
  }
}
