import type { UserInfo } from '../core/audit-event.js';

export type ActorKind = 'human' | 'service_account' | 'node' | 'system_component' | 'anonymous';

// Identities that managed control planes use for their own components; they are not people.
const MANAGED_COMPONENTS = new Set(['aksService', 'masterclient', 'nodeclient', 'kube-apiserver-healthcheck', 'kube-apiserver', 'kube-proxy', 'kubelet']);

/**
 * Runs for every event (the document's k8s_audit.actor.kind, rules' $actor.kind). Decode checks
 * `user` but not `impersonatedUser`, so a username or groups of the wrong type count as absent
 * rather than throwing.
 */
export function actorKind(user: UserInfo | undefined): ActorKind {
  const name = typeof user?.username === 'string' ? user.username : '';
  if (name === '' || name === 'system:anonymous') return 'anonymous';
  const groups = user!.groups;
  if (Array.isArray(groups) && groups.includes('system:unauthenticated')) return 'anonymous';
  if (name.startsWith('system:')) {
    if (name.startsWith('serviceaccount:', 7)) return 'service_account';
    if (name.startsWith('node:', 7)) return 'node';
    return 'system_component';
  }
  if (name.startsWith('eks:') || MANAGED_COMPONENTS.has(name)) return 'system_component';
  return 'human';
}

/** "system:serviceaccount:ci:deployer" → {namespace: "ci", name: "deployer"}. */
export function serviceAccountOf(username: string | undefined): { namespace: string; name: string } | undefined {
  if (typeof username !== 'string' || !username.startsWith('system:serviceaccount:')) return undefined;
  const [namespace, name] = username.slice('system:serviceaccount:'.length).split(':');
  return namespace && name ? { namespace, name } : undefined;
}
