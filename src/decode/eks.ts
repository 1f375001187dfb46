// EKS sends audit logs to CloudWatch Logs (log group /aws/eks/<cluster>/cluster, stream
// kube-apiserver-audit-*). They reach us either as a CloudWatch Logs subscription payload
//   { messageType: "DATA_MESSAGE", logGroup, logStream, logEvents: [{ id, timestamp, message }] }
// or one log event per record with the Event JSON in `message` (Elastic agent, Firehose, Fluent Bit).
import { isObject } from '../core/is-object.js';

export function isCloudWatchBatch(o: Record<string, unknown>): boolean {
  return Array.isArray(o.logEvents);
}

export function isMessageWrapper(o: Record<string, unknown>): boolean {
  return typeof o.message === 'string' && o.auditID === undefined && o.message.trimStart().startsWith('{');
}

export function clusterFromLogGroup(o: Record<string, unknown>): string | undefined {
  const group = typeof o.logGroup === 'string' ? o.logGroup : isObject(o.awscloudwatch) && typeof o.awscloudwatch.log_group === 'string' ? o.awscloudwatch.log_group : undefined;
  const m = group ? /^\/aws\/eks\/([^/]+)\/cluster/.exec(group) : null;
  return m ? m[1] : undefined;
}
