// The flat facts sinks index on (core/batch.ts EventFacts), read once from the event and its document.
import type { AuditEvent } from '../core/audit-event.js';
import type { EventFacts } from '../core/batch.js';
import type { DocumentHead } from './document.js';

export function factsOf(e: AuditEvent, doc: DocumentHead): EventFacts {
  const ref = e.objectRef;
  return {
    auditID: e.auditID,
    stage: e.stage,
    time: e.stageTimestamp,
    user: e.user.username ?? null,
    effectiveUser: e.impersonatedUser?.username ?? null,
    actorKind: doc.k8s_audit.actor.kind,
    verb: e.verb,
    resource: ref?.resource ?? null,
    subresource: ref?.subresource ?? null,
    namespace: ref?.namespace ?? null,
    name: ref?.name ?? null,
    code: e.responseStatus?.code ?? null,
    decision: e.annotations?.['authorization.k8s.io/decision'] ?? null,
    sourceIP: e.sourceIPs?.[0] ?? null,
    userAgent: e.userAgent ?? null,
    requestURI: e.requestURI,
    message: doc.message,
  };
}
