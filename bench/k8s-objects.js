// Realistic Kubernetes objects for the RequestResponse-level bench input: what kube-apiserver puts in
// requestObject/responseObject when the audit policy logs bodies. Objects carry what real ones carry
// and what makes real audit events 3–10 KB: server-set metadata (uid, resourceVersion, managedFields
// for every field manager), defaulted pod specs with the projected service-account volume, kubelet
// status with container IDs and image digests, node status with its image list, deployment status
// conditions, config files in ConfigMaps, certificates in Secrets, RBAC rules, list responses.
//
// requestResponseTemplates(events) turns the samples' events into RequestResponse-level ones with the
// bodies their verb and resource would carry (same actor, object, URI and outcome). Deterministic: a
// seeded generator, no clock, so every run writes the same bodies.

/** mulberry32: a small seeded generator, so the input is the same on every run. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tools(r) {
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const alnum = (n) => Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz2456789'[Math.floor(r() * 27)]).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
  const b64 = (bytes) => Buffer.from(Array.from({ length: bytes }, () => int(0, 255))).toString('base64');
  const rv = () => String(int(48_000_000, 48_300_000));
  return { int, pick, hex, alnum, uuid, b64, rv };
}

/** managedFields' fieldsV1 for the given fields, as the API server's structured-merge-diff writes it. */
function fieldsV1(v, top = true) {
  if (Array.isArray(v)) {
    if (v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x) && ('name' in x || 'type' in x || 'containerPort' in x))) {
      const out = {};
      for (const x of v) {
        const key = 'name' in x ? { name: x.name } : 'type' in x ? { type: x.type } : { containerPort: x.containerPort, protocol: x.protocol ?? 'TCP' };
        out[`k:${JSON.stringify(key)}`] = fieldsV1(x, false);
      }
      return out;
    }
    return {};
  }
  if (v && typeof v === 'object') {
    const out = top ? {} : { '.': {} };
    for (const [k, x] of Object.entries(v)) out[`f:${k}`] = fieldsV1(x, false);
    return out;
  }
  return {};
}
const managed = (manager, operation, apiVersion, time, fields, subresource) => ({
  manager,
  operation,
  apiVersion,
  time,
  fieldsType: 'FieldsV1',
  fieldsV1: fieldsV1(fields),
  ...(subresource ? { subresource } : {}),
});

/** The application behind an object name: frontend-jv4s5dwlp4-gmsrf → frontend. */
const appOf = (name = 'app') => name.replace(/(-[a-z0-9]{5,10})?(-[a-z0-9]{5})?$/, '').replace(/\..*$/, '') || 'app';
const NODES = ['prod-eu-1-cp-0', 'prod-eu-1-worker-0', 'prod-eu-1-worker-1', 'prod-eu-1-worker-2'];
const nodeIp = (n) => `10.40.${NODES.indexOf(n) >= 0 ? NODES.indexOf(n) : 1}.${20 + NODES.indexOf(n)}`;
const secondsOf = (ts) => `${ts.slice(0, 19)}Z`;

export function createObjects(seed = 20261120) {
  const r = seeded(seed);
  const { int, pick, hex, alnum, uuid, b64, rv } = tools(r);

  function container(app, ns, defaults) {
    const c = {
      name: app,
      image: `registry.example.com/${ns}/${app}:v1.${int(10, 60)}.${int(0, 9)}`,
      args: ['--config=/etc/app/config.yaml', '--log-format=json', `--metrics-addr=:9090`],
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
      envFrom: [{ configMapRef: { name: `${app}-config` } }],
      env: [
        { name: 'OTEL_SERVICE_NAME', value: app },
        { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.monitoring.svc.cluster.local:4317' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
        { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'password' } } },
      ],
      resources: { limits: { memory: `${pick([256, 512, 1024])}Mi` }, requests: { cpu: `${pick([50, 100, 250])}m`, memory: `${pick([128, 256])}Mi` } },
      volumeMounts: [
        { name: 'config', readOnly: true, mountPath: '/etc/app' },
        { name: 'tmp', mountPath: '/tmp' },
      ],
      livenessProbe: { httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      securityContext: { capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    };
    if (defaults) c.volumeMounts.push({ name: defaults, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
    return c;
  }
  function sidecar(defaults) {
    const c = {
      name: 'log-shipper',
      image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9',
      args: ['--config=/fluent-bit/etc/fluent-bit.yaml'],
      resources: { limits: { memory: '64Mi' }, requests: { cpu: '10m', memory: '32Mi' } },
      volumeMounts: [{ name: 'fluent-bit-config', mountPath: '/fluent-bit/etc' }],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      securityContext: { capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    };
    if (defaults) c.volumeMounts.push({ name: defaults, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
    return c;
  }
  /** A pod spec; `node` set: as stored (defaulted, scheduled, with the service-account volume). */
  function podSpec(app, ns, { node, withSidecar = false } = {}) {
    const api = node ? `kube-api-access-${alnum(5)}` : undefined;
    const spec = {
      volumes: [
        { name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } },
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        ...(withSidecar ? [{ name: 'fluent-bit-config', configMap: { name: 'fluent-bit-config', defaultMode: 420 } }] : []),
      ],
      containers: [container(app, ns, api), ...(withSidecar ? [sidecar(api)] : [])],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: app,
      serviceAccount: app,
      securityContext: { runAsUser: 10001, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' } }] } },
      schedulerName: 'default-scheduler',
    };
    if (node) {
      spec.volumes.push({
        name: api,
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      });
      spec.nodeName = node;
      spec.tolerations = [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ];
      spec.priority = 0;
      spec.enableServiceLinks = true;
      spec.preemptionPolicy = 'PreemptLowerPriority';
    }
    return spec;
  }
  function podStatus(spec, node, ts) {
    const t = secondsOf(ts);
    const ip = `10.244.${int(0, 3)}.${int(2, 250)}`;
    const cond = (type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
    return {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
      hostIP: nodeIp(node),
      hostIPs: [{ ip: nodeIp(node) }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: t,
      containerStatuses: spec.containers.map((c) => ({
        name: c.name,
        state: { running: { startedAt: t } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${hex(64)}`,
        containerID: `containerd://${hex(64)}`,
        started: true,
      })),
      qosClass: 'Burstable',
    };
  }
  function pod(ns, name, ts, { deleting } = {}) {
    const app = appOf(name);
    const hash = name.split('-').at(-2) ?? alnum(10);
    const node = pick(NODES.slice(1));
    const withSidecar = r() < 0.3;
    const spec = podSpec(app, ns, { node, withSidecar });
    const status = podStatus(spec, node, ts);
    const labels = { app, 'app.kubernetes.io/part-of': ns, 'pod-template-hash': hash };
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: uuid(), controller: true, blockOwnerDeletion: true }];
    const t = secondsOf(ts);
    const metadata = {
      name,
      generateName: `${app}-${hash}-`,
      namespace: ns,
      uid: uuid(),
      resourceVersion: rv(),
      creationTimestamp: t,
      ...(deleting ? { deletionTimestamp: t, deletionGracePeriodSeconds: 30 } : {}),
      labels,
      annotations: { 'kubectl.kubernetes.io/default-container': app, 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      ownerReferences: owner,
    };
    metadata.managedFields = [
      managed('kube-controller-manager', 'Update', 'v1', t, { metadata: { generateName: 1, labels, annotations: metadata.annotations, ownerReferences: owner }, spec: podSpec(app, ns, { withSidecar }) }),
      managed('kubelet', 'Update', 'v1', t, { status }, 'status'),
    ];
    return { kind: 'Pod', apiVersion: 'v1', metadata, spec, status };
  }
  function podStatusPatch(p) {
    return {
      metadata: { uid: p.metadata.uid },
      status: {
        '$setElementOrder/conditions': p.status.conditions.map((c) => ({ type: c.type })),
        conditions: p.status.conditions.filter((c) => c.type === 'Ready' || c.type === 'ContainersReady').map(({ type, status, lastTransitionTime }) => ({ lastTransitionTime, status, type })),
        containerStatuses: p.status.containerStatuses,
        podIP: p.status.podIP,
        podIPs: p.status.podIPs,
      },
    };
  }

  function node(name, ts, images = 10) {
    const t = secondsOf(ts);
    const cp = name.includes('-cp-');
    const labels = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': cp ? 'm6i.large' : 'm6i.2xlarge',
      'topology.kubernetes.io/region': 'eu-central-1',
      'topology.kubernetes.io/zone': `eu-central-1${'abc'[Math.max(0, NODES.indexOf(name)) % 3]}`,
      ...(cp ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    };
    const cond = (type, status, reason, message) => ({ type, status, lastHeartbeatTime: t, lastTransitionTime: '2026-09-14T09:00:00Z', reason, message });
    const status = {
      capacity: { cpu: cp ? '2' : '8', 'ephemeral-storage': '101430960Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: cp ? '7934848Ki' : '32330432Ki', pods: '110' },
      allocatable: { cpu: cp ? '1930m' : '7910m', 'ephemeral-storage': '93478772582', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: cp ? '7218048Ki' : '31613632Ki', pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: nodeIp(name) },
        { type: 'Hostname', address: name },
        { type: 'InternalDNS', address: `ip-${nodeIp(name).replaceAll('.', '-')}.eu-central-1.compute.internal` },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hex(32),
        systemUUID: uuid().toUpperCase(),
        bootID: uuid(),
        kernelVersion: '6.1.109-118.189.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.5.20240916',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: 'v1.30.4',
        kubeProxyVersion: 'v1.30.4',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: Array.from({ length: images }, (_, i) => {
        const repo = pick(['registry.example.com/shop/frontend', 'registry.example.com/shop/cart', 'registry.example.com/shop/checkout', 'registry.k8s.io/kube-proxy', 'registry.k8s.io/coredns/coredns', 'quay.io/prometheus/node-exporter', 'registry.k8s.io/ingress-nginx/controller', 'cr.fluentbit.io/fluent/fluent-bit', 'docker.io/grafana/grafana', 'quay.io/cilium/cilium']);
        return { names: [`${repo}@sha256:${hex(64)}`, `${repo}:v1.${int(1, 60)}.${i}`], sizeBytes: int(8_000_000, 400_000_000) };
      }),
    };
    const annotations = {
      'alpha.kubernetes.io/provided-node-ip': nodeIp(name),
      'csi.volume.kubernetes.io/nodeid': JSON.stringify({ 'ebs.csi.aws.com': `i-0${hex(16)}` }),
      'node.alpha.kubernetes.io/ttl': '0',
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    };
    const spec = { podCIDR: `10.244.${Math.max(0, NODES.indexOf(name))}.0/24`, podCIDRs: [`10.244.${Math.max(0, NODES.indexOf(name))}.0/24`], providerID: `aws:///eu-central-1a/i-0${hex(16)}` };
    const metadata = {
      name,
      uid: uuid(),
      resourceVersion: rv(),
      creationTimestamp: '2026-09-14T09:00:00Z',
      labels,
      annotations,
      managedFields: [
        managed('kubelet', 'Update', 'v1', '2026-09-14T09:00:00Z', { metadata: { annotations, labels } }),
        managed('kube-controller-manager', 'Update', 'v1', '2026-09-14T09:00:20Z', { spec: { podCIDR: 1, podCIDRs: 1 } }),
        managed('kubelet', 'Update', 'v1', t, { status: { conditions: status.conditions, images: 1, nodeInfo: status.nodeInfo } }, 'status'),
      ],
    };
    return { kind: 'Node', apiVersion: 'v1', metadata, spec, status };
  }

  function deploymentLike(kind, ns, name, ts, { owner } = {}) {
    const app = appOf(name);
    const t = secondsOf(ts);
    const template = { metadata: { labels: { app, 'app.kubernetes.io/part-of': ns }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-19T17:42:10Z' } }, spec: podSpec(app, ns) };
    const labels = { app, 'app.kubernetes.io/part-of': ns, 'argocd.argoproj.io/instance': ns, ...(owner ? { 'pod-template-hash': name.split('-').at(-1) } : {}) };
    const annotations = owner
      ? { 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3', 'deployment.kubernetes.io/revision': String(int(10, 40)) }
      : { 'deployment.kubernetes.io/revision': String(int(10, 40)), 'argocd.argoproj.io/tracking-id': `${ns}:apps/Deployment:${ns}/${name}` };
    const spec = owner
      ? { replicas: 2, selector: { matchLabels: { app, 'pod-template-hash': labels['pod-template-hash'] } }, template }
      : { replicas: 2, selector: { matchLabels: { app } }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 };
    const status = owner
      ? { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: int(1, 5) }
      : {
          observedGeneration: int(10, 40),
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
          conditions: [
            { type: 'Available', status: 'True', lastUpdateTime: '2026-09-14T09:00:00Z', lastTransitionTime: '2026-09-14T09:00:00Z', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
            { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: '2026-09-14T09:00:00Z', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${app}-${alnum(10)}" has successfully progressed.` },
          ],
        };
    const ownerReferences = owner ? [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: uuid(), controller: true, blockOwnerDeletion: true }] : undefined;
    const metadata = {
      name,
      namespace: ns,
      uid: uuid(),
      resourceVersion: rv(),
      generation: int(1, 40),
      creationTimestamp: owner ? t : '2026-09-14T09:00:00Z',
      labels,
      annotations,
      ...(ownerReferences ? { ownerReferences } : {}),
      managedFields: [
        owner
          ? managed('kube-controller-manager', 'Update', 'apps/v1', t, { metadata: { annotations, labels, ownerReferences }, spec })
          : managed('argocd-controller', 'Apply', 'apps/v1', t, { metadata: { labels }, spec }),
        managed('kube-controller-manager', 'Update', 'apps/v1', t, { status }, 'status'),
      ],
    };
    return { kind, apiVersion: 'apps/v1', metadata, spec, status };
  }

  const CONFIG = (app, ns) =>
    [
      `# ${app} configuration, managed by Argo CD (${ns})`,
      'server:',
      '  listen: 0.0.0.0:8080',
      '  readTimeout: 15s',
      '  writeTimeout: 30s',
      '  idleTimeout: 120s',
      'logging:',
      '  level: info',
      '  format: json',
      'tracing:',
      '  enabled: true',
      '  sampler: parentbased_traceidratio',
      '  ratio: 0.05',
      'database:',
      `  host: ${app}-db.${ns}.svc.cluster.local`,
      '  port: 5432',
      `  name: ${app}`,
      '  pool:',
      '    maxOpen: 20',
      '    maxIdle: 5',
      '    connMaxLifetime: 30m',
      'cache:',
      `  redis: redis://redis-master.${ns}.svc.cluster.local:6379/0`,
      '  ttl: 300s',
      'features:',
      ...Array.from({ length: int(8, 24) }, (_, i) => `  ${pick(['newCheckout', 'recommendations', 'promoBanner', 'fastShipping', 'giftCards', 'loyalty', 'abTest'])}${i}: ${pick(['true', 'false'])}`),
    ].join('\n');
  function configMap(ns, name, ts) {
    const app = appOf(name);
    const t = secondsOf(ts);
    const data = name.startsWith('grafana-dashboards')
      ? { 'kubernetes-cluster.json': JSON.stringify({ title: 'Kubernetes / Cluster', uid: alnum(9), schemaVersion: 39, panels: Array.from({ length: int(4, 8) }, (_, i) => ({ id: i + 1, type: 'timeseries', title: pick(['CPU usage', 'Memory usage', 'Network I/O', 'Pod restarts', 'API server requests']), gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 }, targets: [{ expr: `sum(rate(container_cpu_usage_seconds_total{namespace=~"$namespace",pod=~"$pod"}[5m])) by (pod)`, legendFormat: '{{pod}}', refId: 'A' }] })) }) }
      : { 'config.yaml': CONFIG(app, ns), LOG_LEVEL: 'info', FEATURE_FLAGS_URL: `http://flagd.${ns}.svc:8013` };
    return {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name, namespace: ns, uid: uuid(), resourceVersion: rv(), creationTimestamp: '2026-09-14T09:00:00Z', labels: { app, 'app.kubernetes.io/part-of': ns, 'argocd.argoproj.io/instance': ns }, managedFields: [managed('argocd-controller', 'Apply', 'v1', t, { data, metadata: { labels: { app: 1, 'app.kubernetes.io/part-of': 1 } } })] },
      data,
    };
  }
  function secret(ns, name, ts) {
    const tls = name.includes('tls');
    const data = tls ? { 'tls.crt': b64(1180), 'tls.key': b64(1700), 'ca.crt': b64(900) } : { username: b64(9), password: b64(24), url: b64(60) };
    return {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name, namespace: ns, uid: uuid(), resourceVersion: rv(), creationTimestamp: '2026-09-14T09:00:00Z', labels: { 'app.kubernetes.io/part-of': ns }, managedFields: [managed('argocd-controller', 'Apply', 'v1', secondsOf(ts), { data: Object.fromEntries(Object.keys(data).map((k) => [k, 1])), type: 1 })] },
      data,
      type: tls ? 'kubernetes.io/tls' : 'Opaque',
    };
  }
  function service(ns, name) {
    const app = appOf(name);
    const spec = { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }, { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' }], selector: { app }, clusterIP: `10.96.${int(0, 255)}.${int(1, 254)}`, clusterIPs: [], type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' };
    spec.clusterIPs = [spec.clusterIP];
    return { kind: 'Service', apiVersion: 'v1', metadata: { name, namespace: ns, uid: uuid(), resourceVersion: rv(), creationTimestamp: '2026-09-14T09:00:00Z', labels: { app }, managedFields: [managed('argocd-controller', 'Apply', 'v1', '2026-11-19T17:42:10Z', { metadata: { labels: { app } }, spec: { ports: spec.ports, selector: spec.selector } })] }, spec, status: { loadBalancer: {} } };
  }
  function lease(ns, name, ts, holder) {
    const nodeLease = ns === 'kube-node-lease';
    const spec = { holderIdentity: holder ?? (nodeLease ? name : `${name}-${hex(8)}_${uuid()}`), leaseDurationSeconds: nodeLease ? 40 : 15, ...(nodeLease ? {} : { acquireTime: '2026-11-19T22:10:05.000000Z', leaseTransitions: int(1, 9) }), renewTime: ts };
    return {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: {
        name,
        namespace: ns,
        uid: uuid(),
        resourceVersion: rv(),
        creationTimestamp: '2026-09-14T09:00:00Z',
        ...(nodeLease ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: uuid() }] } : {}),
        managedFields: [managed(nodeLease ? 'kubelet' : name, 'Update', 'coordination.k8s.io/v1', secondsOf(ts), { metadata: nodeLease ? { ownerReferences: [{ name }] } : {}, spec })],
      },
      spec,
    };
  }
  function coreEvent(ns, name, ts, component) {
    const obj = name.replace(/\.[0-9a-f]+$/, '');
    const t = secondsOf(ts);
    const reason = pick(['Scheduled', 'Pulled', 'Created', 'Started', 'ScalingReplicaSet', 'SuccessfulCreate', 'Killing']);
    return {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name, namespace: ns, uid: uuid(), resourceVersion: rv(), creationTimestamp: t, managedFields: [managed(component, 'Update', 'v1', t, { count: 1, firstTimestamp: 1, involvedObject: { kind: 1, name: 1 }, lastTimestamp: 1, message: 1, reason: 1, source: { component: 1 }, type: 1 })] },
      involvedObject: { kind: pick(['Pod', 'Deployment', 'ReplicaSet']), namespace: ns, name: obj, uid: uuid(), apiVersion: 'v1', resourceVersion: rv(), fieldPath: `spec.containers{${appOf(obj)}}` },
      reason,
      message: `${reason}: ${pick([`Successfully assigned ${ns}/${obj} to ${pick(NODES)}`, `Container image "registry.example.com/${ns}/${appOf(obj)}:v1.43.0" already present on machine`, `Created container ${appOf(obj)}`, `Scaled up replica set ${obj} to 2`])}`,
      source: { component, host: pick(NODES) },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: component,
      reportingInstance: pick(NODES),
    };
  }
  function eventsV1(ns, name, ts, controller) {
    const obj = name.replace(/\.[0-9a-f]+$/, '');
    return {
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name, namespace: ns, uid: uuid(), resourceVersion: rv(), creationTimestamp: secondsOf(ts), managedFields: [managed(controller, 'Update', 'events.k8s.io/v1', secondsOf(ts), { action: 1, eventTime: 1, note: 1, reason: 1, regarding: { kind: 1, name: 1 }, reportingController: 1, reportingInstance: 1, type: 1 })] },
      eventTime: ts,
      reportingController: 'default-scheduler',
      reportingInstance: `default-scheduler-${pick(NODES)}`,
      action: 'Binding',
      reason: 'Scheduled',
      regarding: { kind: 'Pod', namespace: ns, name: obj, uid: uuid(), apiVersion: 'v1', resourceVersion: rv() },
      note: `Successfully assigned ${ns}/${obj} to ${pick(NODES.slice(1))}`,
      type: 'Normal',
    };
  }
  function namespace(name) {
    const labels = { 'kubernetes.io/metadata.name': name, 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'argocd.argoproj.io/instance': 'platform' };
    return { kind: 'Namespace', apiVersion: 'v1', metadata: { name, uid: uuid(), resourceVersion: rv(), creationTimestamp: '2026-09-14T09:00:00Z', labels, managedFields: [managed('argocd-controller', 'Apply', 'v1', '2026-09-14T09:00:00Z', { metadata: { labels } })] }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  }
  const RULES = [
    { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'prometheusrules'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  ];
  function rbac(kind, ns, name, ts) {
    const t = secondsOf(ts);
    const metadata = { name, ...(ns ? { namespace: ns } : {}), uid: uuid(), resourceVersion: rv(), creationTimestamp: '2026-09-14T09:00:00Z', labels: { 'app.kubernetes.io/managed-by': 'argocd', 'argocd.argoproj.io/instance': 'platform' }, annotations: { 'argocd.argoproj.io/tracking-id': `platform:rbac.authorization.k8s.io/${kind}:${ns ?? ''}/${name}` } };
    let body;
    if (kind === 'Role' || kind === 'ClusterRole') body = { rules: RULES.slice(0, int(4, RULES.length)) };
    else body = { subjects: [{ kind: 'ServiceAccount', name: appOf(name), namespace: ns ?? 'monitoring' }, { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `${ns ?? 'platform'}-developers` }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', name: appOf(name) } };
    metadata.managedFields = [managed('argocd-controller', 'Apply', 'rbac.authorization.k8s.io/v1', t, { metadata: { labels: metadata.labels, annotations: metadata.annotations }, ...body })];
    return { kind, apiVersion: 'rbac.authorization.k8s.io/v1', metadata, ...body };
  }
  const list = (kind, apiVersion, items) => ({ kind, apiVersion, metadata: { resourceVersion: rv() }, items: items.map(({ kind: _k, apiVersion: _a, ...o }) => o) });
  const status = (code, details, message, reason) =>
    code < 400 ? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
  const deleteOptions = (extra = {}) => ({ kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/__internal', propagationPolicy: 'Background', ...extra });

  /** The bodies an audited request would carry at RequestResponse level, or undefined if it has none. */
  function bodiesFor(e) {
    const ref = e.objectRef;
    if (!ref || e.verb === 'watch' || ref.subresource === 'log' || ref.subresource === 'exec') return undefined;
    const ns = ref.namespace;
    const name = ref.name;
    const ts = e.requestReceivedTimestamp;
    const code = e.responseStatus?.code ?? 200;
    const res = ref.resource;
    const group = ref.apiGroup ?? '';
    const key = `${e.verb} ${group}/${res}${ref.subresource ? `/${ref.subresource}` : ''}`;
    const kindOf = { pods: 'Pod', nodes: 'Node', deployments: 'Deployment', replicasets: 'ReplicaSet', configmaps: 'ConfigMap', secrets: 'Secret', services: 'Service', events: 'Event', namespaces: 'Namespace', leases: 'Lease', clusterrolebindings: 'ClusterRoleBinding', clusterroles: 'ClusterRole', roles: 'Role', rolebindings: 'RoleBinding' }[res];
    const make = (n = name) => {
      switch (res) {
        case 'pods':
          return pod(ns, n ?? `${pick(['frontend', 'cart', 'checkout'])}-${alnum(10)}-${alnum(5)}`, ts, { deleting: e.verb === 'delete' });
        case 'nodes':
          return node(n ?? pick(NODES), ts);
        case 'deployments':
          return deploymentLike('Deployment', ns, n, ts);
        case 'replicasets':
          return deploymentLike('ReplicaSet', ns, n ?? `${pick(['frontend', 'cart', 'checkout'])}-${alnum(10)}`, ts, { owner: true });
        case 'configmaps':
          return configMap(ns, n ?? `${pick(['frontend', 'cart', 'checkout'])}-config`, ts);
        case 'secrets':
          return secret(ns, n ?? pick(['frontend-db', 'cart-db', 'shop-tls']), ts);
        case 'services':
          return service(ns, n ?? pick(['frontend', 'cart', 'checkout']));
        case 'events':
          return group === 'events.k8s.io' ? eventsV1(ns, n, ts, 'default-scheduler') : coreEvent(ns, n ?? `${pick(['frontend', 'cart'])}-${alnum(10)}.${hex(16)}`, ts, e.user.username.split(':').at(-1));
        case 'namespaces':
          return namespace(n ?? ns);
        case 'leases':
          return lease(ns, n, ts);
        case 'clusterrolebindings':
        case 'clusterroles':
        case 'roles':
        case 'rolebindings':
          return rbac(kindOf, ns, n ?? `${pick(['frontend', 'cart', 'prometheus'])}-reader`, ts);
        default:
          return undefined;
      }
    };
    const failure = () => status(code, { name, group, kind: res }, e.responseStatus?.message ?? `${res} "${name}" not found`, e.responseStatus?.reason ?? 'NotFound');
    const out = {};
    switch (key) {
      case 'create /pods/binding':
        out.requestObject = { kind: 'Binding', apiVersion: 'v1', metadata: { name, namespace: ns, uid: uuid(), creationTimestamp: null }, target: { kind: 'Node', name: pick(NODES.slice(1)) } };
        out.responseObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
        return out;
      case 'patch /pods/status': {
        const p = make();
        return { requestObject: podStatusPatch(p), responseObject: p };
      }
      case 'patch /nodes/status': {
        const n = make();
        return { requestObject: { status: { '$setElementOrder/conditions': n.status.conditions.map((c) => ({ type: c.type })), conditions: n.status.conditions.map(({ type, lastHeartbeatTime }) => ({ lastHeartbeatTime, type })) } }, responseObject: n };
      }
      case 'create authorization.k8s.io/selfsubjectrulesreviews':
        return {
          requestObject: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: 'shop' }, status: { resourceRules: null, nonResourceRules: null, incomplete: false } },
          responseObject: {
            kind: 'SelfSubjectRulesReview',
            apiVersion: 'authorization.k8s.io/v1',
            metadata: { creationTimestamp: null },
            spec: {},
            status: { resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }, ...RULES], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }], incomplete: false },
          },
        };
      case 'create authorization.k8s.io/selfsubjectaccessreviews': {
        const spec = { resourceAttributes: { namespace: 'shop', verb: 'create', resource: 'pods', subresource: 'exec' } };
        return { requestObject: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed: false } }, responseObject: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "dev-team-edit/shop" of ClusterRole "edit" to Group "dev-team"' } } };
      }
      case 'list metrics.k8s.io/pods':
      case 'list metrics.k8s.io/nodes': {
        const pods = res === 'pods';
        const items = Array.from({ length: pods ? 6 : 4 }, (_, i) => ({
          metadata: { name: pods ? `${pick(['frontend', 'cart', 'checkout'])}-${alnum(10)}-${alnum(5)}` : NODES[i], ...(pods ? { namespace: ns } : {}), creationTimestamp: secondsOf(ts), labels: pods ? { app: 'frontend' } : { 'kubernetes.io/hostname': NODES[i] } },
          timestamp: secondsOf(ts),
          window: pods ? '15.011s' : '20.045s',
          ...(pods ? { containers: [{ name: 'app', usage: { cpu: `${int(1, 300)}m`, memory: `${int(20, 400)}Mi` } }, { name: 'log-shipper', usage: { cpu: `${int(1, 9)}m`, memory: `${int(10, 40)}Mi` } }] } : { usage: { cpu: `${int(100, 4000)}m`, memory: `${int(2, 20)}Gi` } }),
        }));
        return { responseObject: { kind: pods ? 'PodMetricsList' : 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items } };
      }
      default:
        break;
    }
    if (e.stage === 'RequestReceived' && e.verb !== 'patch' && e.verb !== 'create' && e.verb !== 'update') return undefined;
    if (!kindOf) return undefined;
    switch (e.verb) {
      case 'get':
        return { responseObject: code >= 400 ? failure() : make() };
      case 'list': {
        if (code >= 400) return { responseObject: failure() };
        const n = res === 'nodes' || res === 'events' ? 3 : res === 'configmaps' ? 2 : 1;
        const items = Array.from({ length: n }, (_, i) => (res === 'nodes' ? node(NODES[i + 1], ts, 4) : make(undefined)));
        return { responseObject: list(`${kindOf}List`, ref.apiVersion === 'v1' && !group ? 'v1' : `${group}/${ref.apiVersion}`, items) };
      }
      case 'create':
      case 'update': {
        const o = make();
        if (!o) return undefined;
        const req = structuredClone(o);
        if (e.verb === 'create') {
          for (const k of ['uid', 'resourceVersion', 'managedFields', 'generation']) delete req.metadata[k];
          req.metadata.creationTimestamp = null;
        }
        if (e.stage === 'RequestReceived') return { requestObject: req };
        return { requestObject: req, responseObject: code >= 400 ? failure() : o };
      }
      case 'patch': {
        const o = make();
        if (!o) return undefined;
        const patch =
          res === 'configmaps' ? { data: o.data } : res === 'namespaces' ? { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } : o.spec?.template ? { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': ts } } } } } : { metadata: { labels: o.metadata.labels } };
        if (e.stage === 'RequestReceived') return { requestObject: patch };
        return { requestObject: patch, responseObject: code >= 400 ? failure() : o };
      }
      case 'delete': {
        if (code >= 400) return { requestObject: deleteOptions(), responseObject: failure() };
        if (res === 'pods' || res === 'namespaces') return { requestObject: deleteOptions(res === 'pods' ? { gracePeriodSeconds: 30 } : {}), responseObject: make() };
        return { requestObject: deleteOptions(), responseObject: status(code, { name, ...(group ? { group } : {}), kind: res, uid: uuid() }) };
      }
      default:
        return undefined;
    }
  }
  return { bodiesFor, pod, node, configMap, secret, rbac, lease };
}

/** Extra traffic the samples lack at this level: Argo CD syncing RBAC and config, ingress-nginx reading its certificate. */
function extraTemplates(events) {
  const argo = events.find((e) => e.userAgent?.startsWith('argocd-application-controller') && e.verb === 'patch');
  const ingress = events.find((e) => e.user?.username === 'system:serviceaccount:ingress-nginx:ingress-nginx' && e.stage === 'ResponseComplete');
  if (!argo || !ingress) return [];
  const { requestObject: _q, responseObject: _r, ...actor } = argo;
  const base = (verb, ref, uri) => ({ ...actor, level: 'Metadata', verb, requestURI: uri, objectRef: ref, responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 } });
  const rbac = (resource, ns, name) => ({ resource, ...(ns ? { namespace: ns } : {}), name, apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' });
  return [
    base('patch', rbac('roles', 'shop', 'frontend-reader'), '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles/frontend-reader?fieldManager=argocd-controller&force=true'),
    base('patch', rbac('rolebindings', 'shop', 'frontend-reader'), '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings/frontend-reader?fieldManager=argocd-controller&force=true'),
    base('update', rbac('clusterroles', undefined, 'prometheus-reader'), '/apis/rbac.authorization.k8s.io/v1/clusterroles/prometheus-reader'),
    base('patch', { resource: 'configmaps', namespace: 'shop', name: 'frontend-config', apiVersion: 'v1' }, '/api/v1/namespaces/shop/configmaps/frontend-config?fieldManager=argocd-controller&force=true'),
    base('get', { resource: 'configmaps', namespace: 'shop', name: 'cart-config', apiVersion: 'v1' }, '/api/v1/namespaces/shop/configmaps/cart-config'),
    base('list', { resource: 'configmaps', namespace: 'shop', apiVersion: 'v1' }, '/api/v1/namespaces/shop/configmaps?labelSelector=app.kubernetes.io%2Fpart-of%3Dshop'),
    { ...ingress, verb: 'get', requestURI: '/api/v1/namespaces/shop/secrets/shop-tls', objectRef: { resource: 'secrets', namespace: 'shop', name: 'shop-tls', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 } },
  ];
}

/**
 * The samples' events as an API server with a RequestResponse policy would log them: each request with
 * a body gets its request and response objects; those without one (watches, non-resource URLs, exec,
 * logs) are left out (kept as they are with keepBodiless: an incident keeps every step), so the input
 * is all body-carrying events. Events that already have bodies keep them.
 */
export function requestResponseTemplates(events, { seed, keepBodiless = false, extra = true } = {}) {
  const objects = createObjects(seed);
  const out = [];
  for (const e of [...events, ...(extra ? extraTemplates(events) : [])]) {
    if (e.requestObject || e.responseObject) {
      out.push({ ...e, level: 'RequestResponse' });
      continue;
    }
    const bodies = objects.bodiesFor(e);
    if (!bodies) {
      if (keepBodiless) out.push(e);
      continue;
    }
    // Key order as the API server writes it: bodies after responseStatus, before the timestamps.
    const { requestReceivedTimestamp, stageTimestamp, annotations, ...head } = e;
    out.push({ ...head, level: 'RequestResponse', ...bodies, requestReceivedTimestamp, stageTimestamp, ...(annotations ? { annotations } : {}) });
  }
  return out;
}

/** The same events at Metadata level: no bodies. */
export function metadataTemplates(events) {
  return events.map(({ requestObject: _q, responseObject: _r, ...e }) => ({ ...e, level: 'Metadata' }));
}
