import type { UserInfo } from '../core/audit-event.js';

export type ActorKind = 'human' | 'service_account' | 'node' | 'system_component' | 'anonymous';

// Identities that managed control planes use for their own components; they are not people.
const MANAGED_COMPONENTS = new Set(['aksService', 'masterclient', 'nodeclient', 'kube-apiserver-healthcheck', 'kube-apiserver', 'kube-proxy', 'kubelet']);

export function actorKind(user: UserInfo | undefined): ActorKind {
  const name = user?.username ?? '';
  if (name === '' || name === 'system:anonymous' || user?.groups?.includes('system:unauthenticated')) return 'anonymous';
  if (name.startsWith('system:serviceaccount:')) return 'service_account';
  if (name.startsWith('system:node:')) return 'node';
  if (name.startsWith('system:') || name.startsWith('eks:') || MANAGED_COMPONENTS.has(name)) return 'system_component';
  return 'human';
}

/** "system:serviceaccount:ci:deployer" → {namespace: "ci", name: "deployer"}. */
export function serviceAccountOf(username: string | undefined): { namespace: string; name: string } | undefined {
  if (!username?.startsWith('system:serviceaccount:')) return undefined;
  const [namespace, name] = username.slice('system:serviceaccount:'.length).split(':');
  return namespace && name ? { namespace, name } : undefined;
}
