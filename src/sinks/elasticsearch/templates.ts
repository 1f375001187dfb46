// Composable index templates for events and alerts. The event mapping follows Elastic's
// kubernetes.audit_logs integration (field names and types its prebuilt rules query) plus our
// enrichment. `dynamic: false` everywhere: request and response bodies stay in _source but cannot
// explode the mapping; only the fields below are indexed.

const kw = { type: 'keyword', ignore_above: 1024 } as const;
const bool = { type: 'boolean' } as const;
const long = { type: 'long' } as const;
const date = { type: 'date' } as const;
const text = { type: 'text' } as const;
const ip = { type: 'ip' } as const;
const obj = (properties: Record<string, unknown>) => ({ properties });

const objectRef = obj({ resource: kw, namespace: kw, name: kw, uid: kw, apiGroup: kw, apiVersion: kw, resourceVersion: kw, subresource: kw });
const userInfo = obj({ username: kw, uid: kw, groups: kw, extra: { type: 'object', dynamic: false } });
const securityContext = obj({
  privileged: bool, allowPrivilegeEscalation: bool, runAsUser: long, runAsGroup: long, runAsNonRoot: bool, procMount: kw,
  capabilities: obj({ add: kw, drop: kw }),
});
const podSpec = obj({
  type: kw, serviceAccountName: kw, restartPolicy: kw, hostNetwork: bool, hostIPC: bool, hostPID: bool,
  volumes: obj({ hostPath: obj({ path: kw, type: kw }) }),
  securityContext: obj({ runAsUser: long, runAsGroup: long, runAsNonRoot: bool }),
  containers: obj({ image: kw, name: kw, securityContext }),
  initContainers: obj({ image: kw, name: kw, securityContext }),
});
const rbacRules = obj({ verbs: kw, resources: kw, apiGroups: kw, resourceNames: kw, nonResourceURLs: kw });
const body = obj({ kind: kw, spec: podSpec, rules: rbacRules, roleRef: obj({ kind: kw, name: kw, apiGroup: kw }), subjects: obj({ kind: kw, name: kw, namespace: kw }) });

export const EVENT_MAPPINGS = {
  dynamic: false,
  properties: {
    '@timestamp': date,
    message: text,
    event: obj({ kind: kw, dataset: kw, action: kw, outcome: kw, duration: long, id: kw }),
    user: obj({ name: kw, id: kw, effective: obj({ name: kw, id: kw }) }),
    source: obj({ ip }),
    client: obj({ ip }),
    user_agent: obj({ original: kw }),
    related: obj({ user: kw, ip }),
    orchestrator: obj({
      type: kw, api_version: kw, namespace: kw,
      cluster: obj({ name: kw, id: kw }),
      resource: obj({ type: kw, name: kw, subresource: kw }),
    }),
    k8s_audit: obj({ actor: obj({ kind: kw }), impersonated: bool, alert_ids: kw }),
    kubernetes: obj({
      audit: {
        type: 'object',
        dynamic: false,
        properties: {
          kind: kw, apiVersion: kw, level: kw, auditID: kw, stage: kw, requestURI: kw, verb: kw,
          user: userInfo, impersonatedUser: userInfo, sourceIPs: kw, userAgent: kw, objectRef,
          responseStatus: obj({ code: { type: 'integer' }, status: kw, reason: kw, message: text }),
          annotations: obj({ 'authorization_k8s_io/decision': kw, 'authorization_k8s_io/reason': text, 'pod-security_kubernetes_io/enforce-policy': kw, 'pod-security_kubernetes_io/audit-violations': text }),
          requestReceivedTimestamp: date, stageTimestamp: date,
          requestObject: { ...body, type: 'object', dynamic: false },
          responseObject: { ...body, type: 'object', dynamic: false },
        },
      },
    }),
  },
} as const;

export const ALERT_MAPPINGS = {
  dynamic: false,
  properties: {
    '@timestamp': date,
    message: text,
    alert: obj({ id: kw, count: long }),
    rule: obj({ id: kw, name: kw, severity: kw, mitre: kw, tags: kw, description: text, references: obj({ falco: kw, elastic: kw, sigma: kw }) }),
    user: obj({ name: kw, effective: obj({ name: kw }) }),
    event: obj({ action: kw, kind: kw }),
    kubernetes: obj({ audit: obj({ auditID: kw, stage: kw, requestURI: kw, objectRef }) }),
    orchestrator: obj({ cluster: obj({ name: kw }) }),
    source: obj({ ip }),
    user_agent: obj({ original: kw }),
    related: obj({ audit_ids: kw }),
    // Added by the alert outputs (src/pipeline/alert-link.ts): the KQL that finds the alert's events, and a Discover link.
    k8s_audit: obj({ query: { type: 'keyword', ignore_above: 8191 }, discover_url: { type: 'keyword', ignore_above: 8191 } }),
    evidence: { type: 'object', enabled: false },
  },
} as const;

export function indexTemplate(prefix: string, mappings: object) {
  return {
    name: prefix,
    index_patterns: [`${prefix}-*`],
    priority: 200,
    template: {
      settings: { number_of_shards: 1, 'index.mapping.total_fields.limit': 2000, 'index.refresh_interval': '5s' },
      mappings,
      aliases: { [prefix]: {} },
    },
    _meta: { managed_by: 'k8s-audit-pipeline' },
  };
}
