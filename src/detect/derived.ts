// Fields computed from an event that rules can name with a `$` prefix, e.g. `$pod.containers`,
// `$exec.command`, `$actor.kind`. Each is computed at most once per event, on first use.
import type { AuditEvent } from '../core/audit-event.js';
import { actorKind, serviceAccountOf } from '../enrich/actor.js';
import { execCommand, execContainer } from '../enrich/exec-command.js';
import { containersOf, podSpecOf } from '../enrich/workload.js';
import { isObject } from '../core/is-object.js';


type Derive = (e: AuditEvent) => unknown;

export const DERIVED: Record<string, { describe: string; derive: Derive }> = {
  actor: {
    describe: 'who acted: {kind: human|service_account|node|system_component|anonymous, name, serviceAccount: {namespace,name}}',
    derive: (e) => ({ kind: actorKind(e.user), name: e.user.username ?? '', serviceAccount: serviceAccountOf(e.user.username) }),
  },
  effective: {
    describe: 'the identity the request ran as: the impersonated user if any, else the user {username, groups, kind}',
    derive: (e) => {
      const u = e.impersonatedUser ?? e.user;
      return { username: u.username ?? '', groups: u.groups ?? [], kind: actorKind(u) };
    },
  },
  decision: {
    describe: 'the authorization decision annotation: allow | forbid | (absent)',
    derive: (e) => e.annotations?.['authorization.k8s.io/decision'],
  },
  target: {
    describe: 'the object as one string, resource/namespace/name (subresource appended): distinct objects for windows',
    derive: (e) => {
      const r = e.objectRef;
      if (!r) return undefined;
      return `${r.resource ?? ''}/${r.namespace ?? ''}/${r.name ?? ''}${r.subresource ? `/${r.subresource}` : ''}`;
    },
  },
  code: { describe: 'responseStatus.code', derive: (e) => e.responseStatus?.code },
  path: { describe: 'requestURI without its query string', derive: (e) => e.requestURI.split('?', 1)[0] },
  exec: {
    describe: 'for pods/exec: {command: the decoded command line, args: [...], container}',
    derive: (e) => {
      const args = execCommand(e.requestURI);
      return { command: args.join(' '), args, container: execContainer(e.requestURI) };
    },
  },
  object: { describe: 'requestObject, else responseObject', derive: (e) => e.requestObject ?? e.responseObject },
  pod: {
    describe: 'the pod spec a request creates, from a Pod or any workload template: {spec, containers (all three lists, with containerKind and imageRef), hostPaths}',
    derive: (e) => {
      const spec = podSpecOf(e.requestObject) ?? podSpecOf(e.responseObject);
      const containers = containersOf(spec);
      const volumes = spec && Array.isArray(spec.volumes) ? spec.volumes : [];
      const hostPaths = volumes.flatMap((v) => (isObject(v) && isObject(v.hostPath) && typeof v.hostPath.path === 'string' ? [v.hostPath.path] : []));
      return { spec, containers, hostPaths, images: containers.map((c) => c.imageRef).filter(Boolean) };
    },
  },
  rbac: {
    describe: 'for roles and bindings: {rules (from the request, else the response), roleRef, subjects}',
    derive: (e) => {
      const o = (isObject(e.requestObject) ? e.requestObject : isObject(e.responseObject) ? e.responseObject : {}) as Record<string, unknown>;
      const res = isObject(e.responseObject) ? e.responseObject : {};
      return { rules: o.rules ?? res.rules ?? [], roleRef: o.roleRef ?? res.roleRef, subjects: o.subjects ?? res.subjects ?? [] };
    },
  },
  configmap: {
    describe: "a ConfigMap's data as sent in the request: {keys, values} (values the enrich stage redacted read [redacted])",
    derive: (e) => {
      const o = isObject(e.requestObject) ? e.requestObject : {};
      const maps = [o.data, o.binaryData].filter(isObject);
      return { keys: maps.flatMap((m) => Object.keys(m)), values: maps.flatMap((m) => Object.values(m)) };
    },
  },
  labels_removed: {
    describe: 'label keys a merge patch sets to null (removes), e.g. `kubectl label ns shop pod-security.kubernetes.io/enforce-`',
    derive: (e) => {
      const labels = isObject(e.requestObject) && isObject(e.requestObject.metadata) ? e.requestObject.metadata.labels : undefined;
      return isObject(labels) ? Object.keys(labels).filter((k) => labels[k] === null) : [];
    },
  },
  labels: {
    describe: "the object's labels as sent in the request (create, update, patch)",
    derive: (e) => (isObject(e.requestObject) && isObject(e.requestObject.metadata) ? e.requestObject.metadata.labels : undefined),
  },
};

/** Per-event memo for derived fields; created only when a rule asks for one. */
export class EvalContext {
  private memo: Map<string, unknown> | undefined;
  constructor(readonly event: AuditEvent) {}
  derived(name: string): unknown {
    this.memo ??= new Map();
    if (this.memo.has(name)) return this.memo.get(name);
    const def = DERIVED[name];
    const value = def ? def.derive(this.event) : undefined;
    this.memo.set(name, value);
    return value;
  }
}
