// audit.k8s.io/v1beta1 (Kubernetes ≤1.18 log files, audit2rbac captures) differs from v1 in the
// timestamps: `timestamp` and `metadata.creationTimestamp` where v1 has stageTimestamp, and older
// servers omit requestReceivedTimestamp. Everything else is field-compatible.

export function upgradeV1beta1(o: Record<string, unknown>): void {
  const meta = o.metadata as Record<string, unknown> | undefined;
  const fallback = (typeof o.timestamp === 'string' && o.timestamp) || (meta && typeof meta.creationTimestamp === 'string' && meta.creationTimestamp) || undefined;
  if (o.stageTimestamp === undefined && fallback) o.stageTimestamp = fallback;
  if (o.requestReceivedTimestamp === undefined) o.requestReceivedTimestamp = o.timestamp ?? o.stageTimestamp;
  delete o.timestamp;
  delete o.metadata;
}
