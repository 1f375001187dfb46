import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { actorKind } from '../../../src/enrich/actor.js';
import { describeEvent, singular } from '../../../src/enrich/describe.js';
import { auditEvent } from '../../helpers/events.js';

const ev = (o: Record<string, unknown>) => auditEvent(o) as unknown as AuditEvent;

describe('describeEvent', () => {
  it('says who did what to which object', () => {
    expect(describeEvent(ev({ verb: 'delete' }))).toBe('alice@example.com deleted secret shop/db-credentials');
  });
  it('names the impersonated identity', () => {
    expect(describeEvent(ev({ verb: 'create', impersonatedUser: { username: 'system:serviceaccount:shop:ops-bot' }, objectRef: { resource: 'clusterrolebindings', name: 'ops-bot-admin' } }))).toBe(
      'alice@example.com (as system:serviceaccount:shop:ops-bot) created clusterrolebinding ops-bot-admin',
    );
  });
  it('decodes the exec command', () => {
    const e = ev({ verb: 'get', requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&command=id%3B%20whoami&container=web', objectRef: { resource: 'pods', namespace: 'shop', name: 'web', subresource: 'exec' }, responseStatus: { code: 101 } });
    expect(describeEvent(e)).toBe(`alice@example.com exec'd into pod shop/web running "sh -c id; whoami"`);
  });
  it('says when a request was refused', () => {
    const e = ev({ verb: 'list', objectRef: { resource: 'secrets', namespace: 'kube-system' }, responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid' } });
    expect(describeEvent(e)).toBe('alice@example.com was refused (403) when trying to list secrets in namespace kube-system');
  });
  it('describes non-resource requests by path', () => {
    expect(describeEvent(ev({ objectRef: undefined, requestURI: '/healthz?verbose' }))).toBe('alice@example.com read /healthz');
  });
  it("names a namespace once, though its objectRef repeats it", () => {
    expect(describeEvent(ev({ verb: 'patch', objectRef: { resource: 'namespaces', namespace: 'shop', name: 'shop' } }))).toBe('alice@example.com patched namespace shop');
  });
  it('singularises resource names', () => {
    expect(['networkpolicies', 'ingresses', 'storageclasses', 'pods', 'endpoints'].map(singular)).toEqual(['networkpolicy', 'ingress', 'storageclass', 'pod', 'endpoints']);
  });
});

describe('actorKind', () => {
  it.each([
    [{ username: 'alice@example.com', groups: ['system:authenticated'] }, 'human'],
    [{ username: 'system:serviceaccount:ci:deployer' }, 'service_account'],
    [{ username: 'system:node:worker-1', groups: ['system:nodes'] }, 'node'],
    [{ username: 'system:kube-controller-manager' }, 'system_component'],
    [{ username: 'eks:node-manager' }, 'system_component'],
    [{ username: 'system:anonymous', groups: ['system:unauthenticated'] }, 'anonymous'],
    [{}, 'anonymous'],
  ])('%j is %s', (user, kind) => {
    expect(actorKind(user)).toBe(kind);
  });
});
