// One readable sentence per event: "alice@example.com deleted secret shop/db-credentials".
import type { AuditEvent } from '../core/audit-event.js';
import { execCommand } from './exec-command.js';

const PAST: Record<string, string> = {
  get: 'read', list: 'listed', watch: 'watched', create: 'created', update: 'updated', patch: 'patched',
  delete: 'deleted', deletecollection: 'deleted every', impersonate: 'impersonated', escalate: 'escalated',
  bind: 'bound', approve: 'approved', use: 'used',
};
const PRESENT: Record<string, string> = {
  get: 'read', list: 'list', watch: 'watch', deletecollection: 'delete every',
};

export function singular(resource: string): string {
  if (resource.endsWith('ies')) return `${resource.slice(0, -3)}y`;
  if (resource.endsWith('sses') || resource.endsWith('xes')) return resource.slice(0, -2);
  if (resource.endsWith('s') && resource !== 'endpoints') return resource.slice(0, -1);
  return resource;
}

export function objectPhrase(e: AuditEvent): string {
  const ref = e.objectRef;
  if (!ref?.resource) {
    const q = e.requestURI.indexOf('?');
    return (q < 0 ? e.requestURI : e.requestURI.slice(0, q)) || 'the API';
  }
  // A namespace's own objectRef carries its name as the namespace too: "namespace shop", not "shop/shop".
  const where = ref.namespace && ref.resource !== 'namespaces' ? `${ref.namespace}/` : '';
  if (!ref.name) return ref.namespace ? `${ref.resource} in namespace ${ref.namespace}` : `${ref.resource} cluster-wide`;
  return `${singular(ref.resource)} ${where}${ref.name}`;
}

export function actorPhrase(e: AuditEvent): string {
  const who = e.user?.username || 'anonymous';
  const as = e.impersonatedUser?.username;
  return as ? `${who} (as ${as})` : who;
}

function actionPhrase(e: AuditEvent, object: string): string {
  const sub = e.objectRef?.subresource;
  if (sub === 'exec') {
    const cmd = execCommand(e.requestURI).join(' ');
    return `exec'd into ${object}${cmd ? ` running "${cmd.length > 200 ? `${cmd.slice(0, 200)}…` : cmd}"` : ''}`;
  }
  if (sub === 'attach') return `attached to ${object}`;
  if (sub === 'portforward') return `port-forwarded to ${object}`;
  if (sub === 'log') return `read the logs of ${object}`;
  if (sub === 'token' && e.verb === 'create') return `requested a token for ${object}`;
  if (sub === 'proxy') return `proxied a request through ${object}`;
  if (sub === 'ephemeralcontainers') return `added an ephemeral container to ${object}`;
  const verb = PAST[e.verb] ?? `${e.verb} (verb)`;
  return sub ? `${verb} the ${sub} of ${object}` : `${verb} ${object}`;
}

export function describeEvent(e: AuditEvent): string {
  const object = objectPhrase(e);
  const code = e.responseStatus?.code;
  const denied = e.annotations?.['authorization.k8s.io/decision'] === 'forbid' || (code !== undefined && code >= 400 && code !== 404 && code !== 409);
  if (denied) {
    const verb = PRESENT[e.verb] ?? e.verb;
    return `${actorPhrase(e)} was refused (${code ?? 'forbidden'}) when trying to ${verb} ${e.objectRef?.subresource ? `${e.objectRef.subresource} of ` : ''}${object}`;
  }
  return `${actorPhrase(e)} ${actionPhrase(e, object)}`;
}
