// AKS diagnostic settings deliver kube-audit / kube-audit-admin records (Event Hub, storage):
//   { category, operationName, resourceId, time, properties: { log: <Event as JSON string or object>,
//     pod, containerID, stream } }
// Event Hub batches wrap them as { records: [...] }. The envelope is kept as aks_metadata, named as
// Elastic's integration names it.
import { isObject } from '../core/is-object.js';
import type { Normalised } from './gke.js';

export function isAksRecord(o: Record<string, unknown>): boolean {
  return isObject(o.properties) && 'log' in o.properties && typeof o.category === 'string';
}

export function fromAks(o: Record<string, unknown>): Normalised | string {
  const props = o.properties as Record<string, unknown>;
  let event: unknown = props.log;
  if (typeof event === 'string') {
    try {
      event = JSON.parse(event);
    } catch (e) {
      return `AKS record's properties.log is not valid JSON: ${(e as Error).message}`;
    }
  }
  if (!isObject(event)) return "AKS record's properties.log is not an audit event object";
  event.aks_metadata = {
    category: o.category,
    operation_name: o.operationName,
    resource_id: o.resourceId,
    service_build: o.serviceBuild,
    container_id: props.containerID,
    pod: props.pod,
    stream: props.stream,
    time: o.time,
  };
  // resourceId ends in …/MANAGEDCLUSTERS/<name>
  const m = typeof o.resourceId === 'string' ? /\/managedclusters\/([^/]+)/i.exec(o.resourceId) : null;
  return m ? { event, cluster: m[1]!.toLowerCase() } : { event };
}
