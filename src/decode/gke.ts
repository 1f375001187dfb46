// GKE exports audit logs to Cloud Logging as AuditLog entries, not audit.k8s.io Events:
//   { insertId, timestamp, receiveTimestamp, labels: {authorization.k8s.io/decision…},
//     resource: {type: k8s_cluster, labels: {cluster_name, project_id, location}},
//     protoPayload: {methodName: "io.k8s.core.v1.pods.create", resourceName: "core/v1/namespaces/ns/pods/x",
//                    authenticationInfo.principalEmail, requestMetadata.{callerIp,callerSuppliedUserAgent},
//                    status.code (google.rpc.Code), request, response, authorizationInfo[]} }
// https://cloud.google.com/kubernetes-engine/docs/how-to/audit-logging
// Elastic leaves user, source IP, user agent and verb empty for these; we map them so every rule
// works on GKE too.
import { isObject } from '../core/is-object.js';

/** google.rpc.Code → the HTTP status the API server would have answered. */
const RPC_TO_HTTP: Record<number, number> = {
  0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400,
  12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

export function isGkeEntry(o: Record<string, unknown>): boolean {
  return isObject(o.protoPayload) && o.auditID === undefined;
}

export interface Normalised {
  event: Record<string, unknown>;
  cluster?: string;
}

export function fromGke(o: Record<string, unknown>): Normalised {
  const p = o.protoPayload as Record<string, unknown>;
  const auth = isObject(p.authenticationInfo) ? p.authenticationInfo : {};
  const meta = isObject(p.requestMetadata) ? p.requestMetadata : {};
  const status = isObject(p.status) ? p.status : {};
  const resource = isObject(o.resource) ? o.resource : {};
  const rlabels = isObject(resource.labels) ? resource.labels : {};
  const method = typeof p.methodName === 'string' ? p.methodName : '';
  const resourceName = typeof p.resourceName === 'string' ? p.resourceName : '';
  const verb = method.slice(method.lastIndexOf('.') + 1) || 'unknown';
  const annotations = isObject(o.labels) ? { ...(o.labels as Record<string, string>) } : {};
  if (annotations['authorization.k8s.io/decision'] === undefined && Array.isArray(p.authorizationInfo) && p.authorizationInfo.length > 0) {
    const granted = p.authorizationInfo.every((a) => isObject(a) && a.granted === true);
    annotations['authorization.k8s.io/decision'] = granted ? 'allow' : 'forbid';
  }
  const rpc = typeof status.code === 'number' ? status.code : 0;
  const event: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: p.request !== undefined || p.response !== undefined ? 'RequestResponse' : 'Metadata',
    auditID: String(o.insertId ?? ''),
    stage: 'ResponseComplete',
    requestURI: resourceName.startsWith('/') ? resourceName : `/${resourceName}`,
    verb,
    user: { username: typeof auth.principalEmail === 'string' ? auth.principalEmail : '' },
    sourceIPs: typeof meta.callerIp === 'string' ? [meta.callerIp] : [],
    userAgent: typeof meta.callerSuppliedUserAgent === 'string' ? meta.callerSuppliedUserAgent : undefined,
    objectRef: objectRefFromResourceName(resourceName),
    responseStatus: { code: RPC_TO_HTTP[rpc] ?? 500, ...(typeof status.message === 'string' ? { message: status.message } : {}) },
    requestObject: p.request,
    responseObject: p.response,
    requestReceivedTimestamp: o.receiveTimestamp ?? o.timestamp,
    stageTimestamp: o.timestamp ?? o.receiveTimestamp,
    annotations,
    gke: { logName: o.logName, methodName: method, resourceName, project_id: rlabels.project_id, location: rlabels.location },
  };
  for (const k of Object.keys(event)) if (event[k] === undefined) delete event[k];
  const cluster = typeof rlabels.cluster_name === 'string' ? rlabels.cluster_name : undefined;
  return cluster === undefined ? { event } : { event, cluster };
}

/**
 * "core/v1/namespaces/shop/pods/web-1/exec" → {apiGroup: "", apiVersion: "v1", namespace, resource, name, subresource}.
 * Non-resource names ("readyz") become a resource of that name, as Elastic does.
 */
export function objectRefFromResourceName(name: string): Record<string, string> {
  const parts = name.split('/').filter(Boolean);
  if (parts.length < 3) return parts.length ? { resource: parts.join('/') } : {};
  const [group, version, ...rest] = parts as [string, string, ...string[]];
  const ref: Record<string, string> = { apiGroup: group === 'core' ? '' : group, apiVersion: version };
  let i = 0;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ref.namespace = rest[1]!;
    i = 2;
  }
  if (rest[i] !== undefined) ref.resource = rest[i]!;
  if (rest[i + 1] !== undefined) ref.name = rest[i + 1]!;
  if (rest[i + 2] !== undefined) ref.subresource = rest[i + 2]!;
  if (ref.apiGroup === '') delete ref.apiGroup;
  return ref;
}
