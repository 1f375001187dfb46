#!/usr/bin/env node
// Generates the project's own sample Kubernetes audit data (audit.k8s.io/v1 Event, JSON lines).
//
//   node scripts/make-samples.mjs
//
// Everything is synthetic and deterministic: a seeded PRNG, fixed clock (2026-11-20T09:00:00Z), no
// dependencies, no network. Running it twice produces byte-identical files. It writes:
//
//   samples/audit.log                 ~30 min of cluster "prod-eu-1" traffic with an incident in the middle
//   samples/labels/incident-auditids.json    { step: [auditID, ...] } for every incident step (tests)
//   samples/labels/benign-lookalikes.json    benign events that resemble the incident (false-positive tests)
//   samples/INCIDENT.md               the incident timeline, with the auditIDs
//   samples/rotated/audit-2026-11-20T08-00-00.000.log.gz   older rotated backup (gzip)
//   samples/rotated/audit-2026-11-20T08-30-00.000.log      newer rotated backup
//   samples/webhook-batch.json        one EventList as the webhook backend POSTs it (items without kind)
//
// samples/audit-policy.yaml and samples/README.md are hand-written and not touched here.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'samples');

// ───────────────────────────── deterministic randomness ─────────────────────────────

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Alphabet Kubernetes uses for generated name suffixes and pod-template-hash (no vowels, no 0/1/3).
const K8S_ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(list) {
    return list[this.int(0, list.length - 1)];
  }
  hex(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  k8sSuffix(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += K8S_ALNUM[this.int(0, K8S_ALNUM.length - 1)];
    return s;
  }
  /** RFC 4122 version 4 UUID built from this generator's bytes. */
  uuid() {
    const b = [];
    for (let i = 0; i < 16; i++) b.push(this.int(0, 255));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

// ───────────────────────────── time (integer microseconds) ─────────────────────────────

const SEC = 1_000_000;
const MS = 1_000;
const MIN = 60 * SEC;
const DAY = '2026-11-20';
const T0 = Date.parse(`${DAY}T09:00:00Z`) * MS; // start of samples/audit.log
const T_END = T0 + 30 * MIN;

/** "09:13:02.114518" on the sample day → µs since epoch. */
function at(hms) {
  const [hm, frac = '0'] = hms.split('.');
  return Date.parse(`${DAY}T${hm}Z`) * MS + Number(frac.padEnd(6, '0').slice(0, 6));
}
/** Audit timestamps: RFC 3339 with microseconds, as kube-apiserver writes them. */
function ts(us) {
  const iso = new Date(Math.floor(us / MS)).toISOString();
  return `${iso.slice(0, 19)}.${String(us % SEC).padStart(6, '0')}Z`;
}
/** Object metadata timestamps (creationTimestamp, managedFields time): whole seconds. */
function secTs(us) {
  return `${new Date(Math.floor(us / MS)).toISOString().slice(0, 19)}Z`;
}
/** Go time.Duration formatting of whole seconds, as client-go puts in ?timeout=. */
function goDuration(s) {
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}
/** Event object names are <involved object>.<unix nanoseconds in hex>. */
function eventName(obj, us, rng) {
  return `${obj}.${(BigInt(us) * 1000n + BigInt(rng.int(0, 999))).toString(16)}`;
}

// ───────────────────────────── serialisation ─────────────────────────────

/** JSON the way Go's encoding/json writes it: &, <, > escaped as \u0026, \u003c, \u003e. */
function goJSON(v) {
  return JSON.stringify(v).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

// ───────────────────────────── the cluster ─────────────────────────────

const CLUSTER = 'prod-eu-1';
const K8S = 'v1.30.4';
const K8S_COMMIT = 'b9f3d2e';
const KUBECTL_UA_LINUX = 'kubectl/v1.30.2 (linux/amd64) kubernetes/39e8b1c';
const KUBECTL_UA_MAC = 'kubectl/v1.30.2 (darwin/arm64) kubernetes/39e8b1c';
const ATTACKER_IP = '203.0.113.66';

// Identities are drawn from their own generator so every output file agrees on uids and credential ids.
const idr = new Rng(0x0c1a55e5);

const NODES = [
  { name: 'prod-eu-1-cp-0', ip: '10.40.0.10', uid: idr.uuid() },
  { name: 'prod-eu-1-worker-0', ip: '10.40.1.21', uid: idr.uuid() },
  { name: 'prod-eu-1-worker-1', ip: '10.40.2.22', uid: idr.uuid() },
];
const [CP, W0, W1] = NODES;
const LEASE_UID = {
  'kube-system/kube-controller-manager': idr.uuid(),
  'kube-system/kube-scheduler': idr.uuid(),
  ...Object.fromEntries(NODES.map((n) => [`kube-node-lease/${n.name}`, idr.uuid()])),
};

const x509 = () => ({ 'authentication.kubernetes.io/credential-id': [`X509SHA256=${idr.hex(64)}`] });

function saUser(ns, name, pod) {
  const extra = { 'authentication.kubernetes.io/credential-id': [`JTI=${idr.uuid()}`] };
  if (pod) {
    extra['authentication.kubernetes.io/node-name'] = [pod.node.name];
    extra['authentication.kubernetes.io/node-uid'] = [pod.node.uid];
    extra['authentication.kubernetes.io/pod-name'] = [pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [idr.uuid()];
  }
  return {
    username: `system:serviceaccount:${ns}:${name}`,
    uid: idr.uuid(),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    extra,
  };
}

const crb = (binding, role, kind, subject) => `RBAC: allowed by ClusterRoleBinding "${binding}" of ClusterRole "${role}" to ${kind} "${subject}"`;
const rb = (binding, ns, roleKind, role, kind, subject) => `RBAC: allowed by RoleBinding "${binding}/${ns}" of ${roleKind} "${role}" to ${kind} "${subject}"`;

const kcmUA = (suffix) => `kube-controller-manager/${K8S} (linux/amd64) kubernetes/${K8S_COMMIT}/${suffix}`;

const ACT = {
  kcmLeader: {
    user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'], extra: x509() },
    ips: [CP.ip],
    ua: kcmUA('leader-election'),
    reason: crb('system:kube-controller-manager', 'system:kube-controller-manager', 'User', 'system:kube-controller-manager'),
  },
  schedLeader: null,
  sched: null,
  anonProbe: {
    user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    ips: [CP.ip],
    ua: 'kube-probe/1.30',
    reason: crb('system:public-info-viewer', 'system:public-info-viewer', 'Group', 'system:unauthenticated'),
  },
  prometheus: {
    user: saUser('monitoring', 'prometheus-k8s', { name: 'prometheus-k8s-0', node: W0 }),
    ips: ['10.244.1.22'],
    ua: 'Prometheus/2.53.1',
    reason: crb('prometheus-k8s', 'prometheus-k8s', 'ServiceAccount', 'prometheus-k8s/monitoring'),
  },
};
{
  const schedUser = { username: 'system:kube-scheduler', groups: ['system:authenticated'], extra: x509() };
  const reason = crb('system:kube-scheduler', 'system:kube-scheduler', 'User', 'system:kube-scheduler');
  ACT.schedLeader = { user: schedUser, ips: [CP.ip], ua: `kube-scheduler/${K8S} (linux/amd64) kubernetes/${K8S_COMMIT}/leader-election`, reason };
  ACT.sched = { user: schedUser, ips: [CP.ip], ua: `kube-scheduler/${K8S} (linux/amd64) kubernetes/${K8S_COMMIT}/scheduler`, reason };
}

const KUBELET = Object.fromEntries(
  NODES.map((n) => [
    n.name,
    {
      user: { username: `system:node:${n.name}`, groups: ['system:nodes', 'system:authenticated'], extra: x509() },
      ips: [n.ip],
      ua: `kubelet/${K8S} (linux/amd64) kubernetes/${K8S_COMMIT}`,
      reason: '', // the Node authorizer gives no reason
    },
  ]),
);

const CONTROLLER = {};
for (const c of ['deployment-controller', 'replicaset-controller', 'generic-garbage-collector']) {
  CONTROLLER[c] = {
    user: saUser('kube-system', c),
    ips: [CP.ip],
    ua: kcmUA(`system:serviceaccount:kube-system:${c}`),
    reason: crb(`system:controller:${c}`, `system:controller:${c}`, 'ServiceAccount', `${c}/kube-system`),
  };
}

const COREDNS = [
  { name: 'coredns-6f6b679f8f-tq8zr', node: W0, ip: '10.244.1.3' },
  { name: 'coredns-6f6b679f8f-xw4k9', node: W1, ip: '10.244.2.4' },
].map((p) => ({
  user: saUser('kube-system', 'coredns', p),
  ips: [p.ip],
  ua: 'coredns/v0.0.0 (linux/amd64) kubernetes/$Format',
  reason: crb('system:coredns', 'system:coredns', 'ServiceAccount', 'coredns/kube-system'),
}));

const KUBE_PROXY = NODES.map((n) => ({
  user: saUser('kube-system', 'kube-proxy', { name: `kube-proxy-${idr.k8sSuffix(5)}`, node: n }),
  ips: [n.ip], // hostNetwork
  ua: `kube-proxy/${K8S} (linux/amd64) kubernetes/${K8S_COMMIT}`,
  reason: crb('kubeadm:node-proxier', 'system:node-proxier', 'ServiceAccount', 'kube-proxy/kube-system'),
}));

const INGRESS = {
  user: saUser('ingress-nginx', 'ingress-nginx', { name: 'ingress-nginx-controller-7c6d9b8f5d-m2hkw', node: W0 }),
  ips: ['10.244.1.17'],
  ua: 'nginx-ingress-controller/v1.11.2 (linux/amd64) ingress-nginx/7c9a1f2',
  reason: crb('ingress-nginx', 'ingress-nginx', 'ServiceAccount', 'ingress-nginx/ingress-nginx'),
};

// The CI deployer: a long-lived token (legacy Secret-based, so no credential-id extra) used by Argo CD
// in-cluster and by the CI runner's kubectl.
const deployerUser = {
  username: 'system:serviceaccount:ci:deployer',
  uid: idr.uuid(),
  groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
};
const deployerReason = rb('deployer', 'shop', 'ClusterRole', 'edit', 'ServiceAccount', 'deployer/ci');
const ARGOCD = { user: deployerUser, ips: ['10.244.2.31'], ua: 'argocd-application-controller/v2.11.7 (linux/amd64)', reason: deployerReason };
const CI_RUNNER = { user: deployerUser, ips: ['10.40.3.50'], ua: KUBECTL_UA_LINUX, reason: deployerReason };

// Humans. alice authenticates with a client certificate (O=dev-team); the attacker later uses the
// same certificate, so user and credential-id are identical — only source IP and user agent differ.
const aliceUser = { username: 'alice@example.com', groups: ['dev-team', 'system:authenticated'], extra: x509() };
const ALICE = { user: aliceUser, ips: ['10.20.4.17'], ua: KUBECTL_UA_MAC, reason: rb('dev-team-edit', 'shop', 'ClusterRole', 'edit', 'Group', 'dev-team') };
const ATTACKER = { user: aliceUser, ips: [ATTACKER_IP], ua: KUBECTL_UA_LINUX, reason: ALICE.reason };
const ATTACKER_CURL = { ...ATTACKER, ua: 'curl/8.5.0' };
const BOB = {
  user: { username: 'bob@example.com', groups: ['platform-admins', 'system:authenticated'], extra: x509() },
  ips: ['10.20.4.52'],
  ua: 'kubectl/v1.31.1 (darwin/arm64) kubernetes/a1c77f0',
  reason: crb('platform-admins', 'cluster-admin', 'Group', 'platform-admins'),
};

const REASON = {
  basicUser: crb('system:basic-user', 'system:basic-user', 'Group', 'system:authenticated'),
  discovery: crb('system:discovery', 'system:discovery', 'Group', 'system:authenticated'),
  opsBot: crb('ops-bot-rbac-manager', 'ops-bot-rbac-manager', 'ServiceAccount', 'ops-bot/shop'),
  stolenAdmin: crb('ops-bot-admin', 'cluster-admin', 'User', 'alice@example.com'),
};

// ───────────────────────────── the shop application ─────────────────────────────

const REGISTRY = 'registry.example.com/shop';
const AGE = at('09:00:00') - 67 * 24 * 3600 * SEC; // objects created ~2 months before

function mkApp(name, { replicas, tag, port, hash, pods, cfg = true }) {
  const rs = { name: `${name}-${hash}`, hash, uid: idr.uuid() };
  return {
    name,
    replicas,
    tag,
    port,
    cfg,
    uid: idr.uuid(),
    svcUid: idr.uuid(),
    cfgUid: idr.uuid(),
    generation: idr.int(9, 40),
    revision: idr.int(9, 40),
    replicaSets: [rs],
    current: rs,
    pods: pods.map(([pname, node]) => ({ name: pname, node, uid: idr.uuid(), rs })),
  };
}
function appPods(name, hash, nodes) {
  return nodes.map((n) => [`${name}-${hash}-${idr.k8sSuffix(5)}`, n]);
}
const APPS = {};
{
  let h = idr.k8sSuffix(10);
  APPS.frontend = mkApp('frontend', { replicas: 2, tag: 'v1.42.0', port: 8080, hash: h, pods: appPods('frontend', h, [W0, W1]) });
  h = idr.k8sSuffix(10);
  APPS.cart = mkApp('cart', { replicas: 2, tag: 'v2.7.1', port: 8080, hash: h, pods: appPods('cart', h, [W1, W0]) });
  APPS.checkout = mkApp('checkout', {
    replicas: 2,
    tag: 'v3.1.4',
    port: 8443,
    hash: '7d9f8',
    pods: [
      ['checkout-7d9f8-abcde', W0],
      ['checkout-7d9f8-q4wzn', W1],
    ],
  });
  h = idr.k8sSuffix(10);
  APPS.payments = mkApp('payments', { replicas: 2, tag: 'v1.18.3', port: 8080, hash: h, pods: appPods('payments', h, [W1, W0]) });
  h = idr.k8sSuffix(9);
  APPS.catalog = mkApp('catalog', { replicas: 1, tag: 'v4.0.2', port: 8080, hash: h, pods: appPods('catalog', h, [W0]), cfg: false });
}
const SHOP_SECRETS = ['db-credentials', 'stripe-api-key', 'jwt-signing-key', 'smtp-relay-password'];

function appPodSpec(app, image, { defaults }) {
  const container = {
    name: app.name,
    image,
    ports: [{ name: 'http', containerPort: app.port, protocol: 'TCP' }],
    env: [{ name: 'OTEL_SERVICE_NAME', value: app.name }],
    resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
  };
  if (app.cfg) container.envFrom = [{ configMapRef: { name: `${app.name}-config` } }];
  if (app.name === 'checkout') {
    container.env.push(
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'url' } } },
      { name: 'STRIPE_API_KEY', valueFrom: { secretKeyRef: { name: 'stripe-api-key', key: 'key' } } },
    );
  }
  const spec = {
    containers: [container],
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    serviceAccountName: app.name,
  };
  if (defaults) {
    container.terminationMessagePath = '/dev/termination-log';
    container.terminationMessagePolicy = 'File';
    container.imagePullPolicy = 'IfNotPresent';
    container.readinessProbe = { ...container.readinessProbe, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
    Object.assign(spec, {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccount: app.name,
      schedulerName: 'default-scheduler',
    });
  }
  return spec;
}

function projectedTokenVolume(rng) {
  return {
    name: `kube-api-access-${rng.k8sSuffix(5)}`,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  };
}

function deploymentObject(app, { image, rv, now, restartedAt }) {
  const template = { metadata: { labels: { app: app.name, 'app.kubernetes.io/part-of': 'shop' } }, spec: appPodSpec(app, image, { defaults: true }) };
  if (restartedAt) template.metadata.annotations = { 'checksum/config': restartedAt };
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: app.name,
      namespace: 'shop',
      uid: app.uid,
      resourceVersion: rv,
      generation: app.generation,
      creationTimestamp: secTs(AGE),
      labels: { app: app.name, 'app.kubernetes.io/part-of': 'shop', 'argocd.argoproj.io/instance': 'shop' },
      annotations: { 'deployment.kubernetes.io/revision': String(app.revision) },
    },
    spec: {
      replicas: app.replicas,
      selector: { matchLabels: { app: app.name } },
      template,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: app.generation - 1,
      replicas: app.replicas,
      updatedReplicas: app.replicas,
      readyReplicas: app.replicas,
      availableReplicas: app.replicas,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: secTs(AGE), lastTransitionTime: secTs(AGE), reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: secTs(now),
          lastTransitionTime: secTs(AGE),
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${app.current.name}" is progressing.`,
        },
      ],
    },
  };
}

// ───────────────────────────── the audit log builder ─────────────────────────────

class AuditLog {
  constructor(seed, rv0, rvOrigin) {
    this.rng = new Rng(seed);
    this.rv0 = rv0;
    this.rvOrigin = rvOrigin;
    this.entries = [];
    this.seq = 0;
  }

  /** etcd resourceVersion at a moment: grows with time, so RVs never go backwards across the file. */
  rvAt(us) {
    return String(this.rv0 + Math.floor((us - this.rvOrigin) / 61_000));
  }

  /**
   * One API request → its audit events. Options:
   *   t, actor {user, ips, ua, reason}, verb, uri, ref (objectRef), level, code, fail {reason, message, details},
   *   success (Status details for deletes), reqObj, respObj, imp (impersonatedUser), reason, annotations,
   *   rr (also emit RequestReceived), stream (µs between ResponseStarted and ResponseComplete), dur.
   * Returns { id, t, end } (µs).
   */
  req(o) {
    const r = this.rng;
    const id = r.uuid();
    const level = o.level ?? 'Metadata';
    const code = o.code ?? (o.fail ? 403 : o.verb === 'create' ? 201 : 200);
    let responseStatus = { metadata: {}, code };
    let statusObj;
    if (o.fail) {
      responseStatus = { metadata: {}, status: 'Failure', message: o.fail.message, reason: o.fail.reason, details: o.fail.details, code };
      statusObj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: o.fail.message, reason: o.fail.reason, details: o.fail.details, code };
    } else if (o.success) {
      responseStatus = { metadata: {}, status: 'Success', details: o.success, code };
      statusObj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: o.success };
    }
    const authzForbid = o.fail && o.fail.reason === 'Forbidden' && !o.admissionFailure;
    const annotations = {
      'authorization.k8s.io/decision': authzForbid ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': authzForbid ? '' : (o.reason ?? o.actor.reason ?? ''),
      ...(o.annotations ?? {}),
    };

    const mk = (stage, stageUs) => {
      const e = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level, auditID: id, stage, requestURI: o.uri, verb: o.verb, user: o.actor.user };
      if (o.imp) e.impersonatedUser = o.imp;
      e.sourceIPs = o.actor.ips;
      if (o.actor.ua) e.userAgent = o.actor.ua;
      if (o.ref) e.objectRef = o.ref;
      if (stage !== 'RequestReceived') {
        e.responseStatus = responseStatus;
        if ((level === 'Request' || level === 'RequestResponse') && o.reqObj !== undefined) e.requestObject = o.reqObj;
        if (level === 'RequestResponse' && stage === 'ResponseComplete') {
          const body = o.respObj ?? statusObj;
          if (body !== undefined) e.responseObject = body;
        }
      }
      e.requestReceivedTimestamp = ts(o.t);
      e.stageTimestamp = ts(stageUs);
      if (stage !== 'RequestReceived') e.annotations = annotations;
      this.entries.push({ us: stageUs, seq: this.seq++, e });
    };

    if (o.rr) mk('RequestReceived', o.t);
    let end;
    if (o.stream !== undefined) {
      const started = o.t + r.int(250, 1400);
      mk('ResponseStarted', started);
      end = started + o.stream;
      mk('ResponseComplete', end);
    } else {
      end = o.t + (o.dur ?? r.int(650, 4200));
      mk('ResponseComplete', end);
    }
    return { id, t: o.t, end };
  }

  /** Events sorted by stageTimestamp (ties keep generation order). */
  sorted() {
    return this.entries.sort((a, b) => a.us - b.us || a.seq - b.seq).map((x) => x.e);
  }
}

// objectRef and URI helpers
function ref(resource, { ns, name, group, version = 'v1', sub, uid, rv } = {}) {
  const o = { resource };
  if (ns) o.namespace = ns;
  if (name) o.name = name;
  if (uid) o.uid = uid;
  if (group) o.apiGroup = group;
  o.apiVersion = version;
  if (rv) o.resourceVersion = rv;
  if (sub) o.subresource = sub;
  return o;
}
function path({ resource, ns, name, group, version = 'v1', sub }) {
  let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
  if (ns) p += `/namespaces/${ns}`;
  p += `/${resource}`;
  if (name) p += `/${name}`;
  if (sub) p += `/${sub}`;
  return p;
}
/** Query string with keys sorted, as Go's url.Values.Encode does. */
function qs(params) {
  const keys = Object.keys(params).sort();
  return keys.length ? `?${keys.map((k) => `${k}=${queryEscape(params[k])}`).join('&')}` : '';
}
/** Go's url.QueryEscape: only A-Z a-z 0-9 - _ . ~ stay as they are, space becomes +. */
function queryEscape(v) {
  return encodeURIComponent(v)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
const R = (resource, opts = {}) => ({ ref: ref(resource, opts), uri: path({ resource, ...opts }) });

function forbidden(user, verb, resource, group, ns, name) {
  const what = group ? `${resource}.${group}` : resource;
  const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
  const details = { kind: resource };
  if (name) details.name = name;
  if (group) details.group = group;
  return {
    reason: 'Forbidden',
    message: `${what}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group ?? ''}" ${scope}`,
    details,
  };
}
function notFound(resource, group, name) {
  const details = { name, kind: resource };
  if (group) details.group = group;
  return { reason: 'NotFound', message: `${group ? `${resource}.${group}` : resource} "${name}" not found`, details };
}
const deleteOptions = (propagationPolicy) => {
  const o = { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/__internal' };
  if (propagationPolicy) o.propagationPolicy = propagationPolicy;
  return o;
};

// ───────────────────────────── benign traffic generators ─────────────────────────────

/** Leader-election renewals (get + update of a Lease), thinned to one every `period` µs. */
function leaderLeases(L, from, to, period) {
  const r = L.rng;
  const who = [
    { actor: ACT.kcmLeader, name: 'kube-controller-manager', uid: LEASE_UID['kube-system/kube-controller-manager'] },
    { actor: ACT.schedLeader, name: 'kube-scheduler', uid: LEASE_UID['kube-system/kube-scheduler'] },
  ];
  let first = true; // show one RequestReceived stage for a lease update
  for (const [i, w] of who.entries()) {
    for (let t = from + r.int(1, 20) * SEC + i * 7 * SEC; t < to - 2 * SEC; t += period + r.int(-4, 4) * SEC) {
      const x = R('leases', { ns: 'kube-system', name: w.name, group: 'coordination.k8s.io' });
      const g = L.req({ t, actor: w.actor, verb: 'get', uri: `${x.uri}?timeout=5s`, ref: x.ref, dur: r.int(500, 1600) });
      const t2 = g.end + r.int(200, 900);
      L.req({
        t: t2,
        actor: w.actor,
        verb: 'update',
        uri: `${x.uri}?timeout=5s`,
        ref: ref('leases', { ns: 'kube-system', name: w.name, uid: w.uid, group: 'coordination.k8s.io', rv: L.rvAt(t2) }),
        rr: first,
        dur: r.int(1800, 5200),
      });
      first = false;
    }
  }
}

/** Kubelet node heartbeats (Lease in kube-node-lease) and node status reports. */
function kubeletHeartbeats(L, from, to, leasePeriod, statusPeriod) {
  const r = L.rng;
  for (const n of NODES) {
    const k = KUBELET[n.name];
    const leaseUid = LEASE_UID[`kube-node-lease/${n.name}`];
    for (let t = from + r.int(2, 40) * SEC; t < to - SEC; t += leasePeriod + r.int(-3, 3) * SEC) {
      const x = R('leases', { ns: 'kube-node-lease', name: n.name, group: 'coordination.k8s.io' });
      const lr = ref('leases', { ns: 'kube-node-lease', name: n.name, uid: leaseUid, group: 'coordination.k8s.io', rv: L.rvAt(t) });
      L.req({ t, actor: k, verb: 'update', uri: `${x.uri}?timeout=10s`, ref: lr, dur: r.int(1500, 4500) });
    }
    for (let t = from + r.int(30, 200) * SEC; t < to - SEC; t += statusPeriod + r.int(-2000, 2000) * MS) {
      const x = R('nodes', { name: n.name });
      const g = L.req({ t, actor: k, verb: 'get', uri: `${x.uri}?resourceVersion=0&timeout=10s`, ref: x.ref, dur: r.int(400, 1200) });
      const s = R('nodes', { name: n.name, sub: 'status' });
      L.req({ t: g.end + r.int(2, 9) * MS, actor: k, verb: 'patch', uri: `${s.uri}?timeout=10s`, ref: s.ref, dur: r.int(2500, 7000) });
    }
  }
}

/** kube-probe liveness/readiness of the kube-apiserver static pod, and Prometheus scraping /metrics. */
function healthAndMetrics(L, from, to, { probe, scrape }) {
  const r = L.rng;
  let i = 0;
  for (let t = from + r.int(1, 15) * SEC; t < to - SEC; t += probe + r.int(-1500, 1500) * MS) {
    const p = ['/readyz', '/livez', '/readyz', '/healthz'][i++ % 4];
    L.req({ t, actor: ACT.anonProbe, verb: 'get', uri: p, dur: r.int(300, 2200) });
  }
  if (scrape) {
    for (let t = from + r.int(5, 45) * SEC; t < to - SEC; t += scrape + r.int(-800, 800) * MS) {
      L.req({ t, actor: ACT.prometheus, verb: 'get', uri: '/metrics', dur: r.int(18, 60) * MS });
    }
  }
}

/** Reflector list/watch loops: each watch runs timeoutSeconds ∈ [300, 599] and is re-opened right away. */
function watchLoops(L, from, to, streams) {
  const r = L.rng;
  for (const s of streams) {
    let t = from + r.int(3, 260) * SEC + r.int(0, 999_999);
    for (;;) {
      const timeout = r.int(300, 599);
      const stream = timeout * SEC + r.int(300, 9000);
      if (t + stream + 2 * SEC > to) break;
      const params = { allowWatchBookmarks: 'true', resourceVersion: L.rvAt(t), timeout: goDuration(timeout), timeoutSeconds: String(timeout), watch: 'true' };
      if (s.labelSelector) params.labelSelector = s.labelSelector;
      const x = R(s.resource, { group: s.group, version: s.version });
      const w = L.req({ t, actor: s.actor, verb: 'watch', uri: x.uri + qs(params), ref: x.ref, stream });
      t = w.end + r.int(1, 40) * MS;
    }
  }
}

function standardWatchStreams() {
  const proxySel = '!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name';
  const streams = [];
  for (const c of COREDNS) {
    streams.push({ actor: c, resource: 'endpointslices', group: 'discovery.k8s.io' });
    streams.push({ actor: c, resource: 'services' });
    streams.push({ actor: c, resource: 'namespaces' });
  }
  for (const p of KUBE_PROXY) {
    streams.push({ actor: p, resource: 'services', labelSelector: proxySel });
    streams.push({ actor: p, resource: 'endpointslices', group: 'discovery.k8s.io', labelSelector: proxySel });
  }
  // ingress-nginx watches Secrets cluster-wide (TLS certificates): a benign secrets reader.
  streams.push({ actor: INGRESS, resource: 'ingresses', group: 'networking.k8s.io' });
  streams.push({ actor: INGRESS, resource: 'secrets' });
  streams.push({ actor: INGRESS, resource: 'endpointslices', group: 'discovery.k8s.io' });
  streams.push({ actor: INGRESS, resource: 'services' });
  return streams;
}

/** A kubelet reports pod status: GET the pod, then PATCH pods/status. */
function kubeletPodStatus(L, t, node, ns, pod) {
  const r = L.rng;
  const k = KUBELET[node.name];
  const x = R('pods', { ns, name: pod });
  const g = L.req({ t, actor: k, verb: 'get', uri: x.uri, ref: x.ref, dur: r.int(400, 1100) });
  const s = R('pods', { ns, name: pod, sub: 'status' });
  return L.req({ t: g.end + r.int(1, 4) * MS, actor: k, verb: 'patch', uri: s.uri, ref: s.ref, dur: r.int(2200, 6500) });
}

/** Core v1 Event created by a kubelet or controller (recorded at Metadata). */
function createEvent(L, t, actor, ns, involved, { group } = {}) {
  const name = eventName(involved, t, L.rng);
  const x = R('events', { ns, group, version: 'v1' });
  const e = L.req({ t, actor, verb: 'create', uri: x.uri, ref: ref('events', { ns, name, group }), dur: L.rng.int(1200, 4800) });
  return { ...e, name };
}

/** New pod body as the ReplicaSet controller sends it, and the API server's answer. */
function podBodies(L, app, rs, image, podName, t) {
  const r = L.rng;
  const labels = { app: app.name, 'app.kubernetes.io/part-of': 'shop', 'pod-template-hash': rs.hash };
  const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rs.uid, controller: true, blockOwnerDeletion: true }];
  const spec = appPodSpec(app, image, { defaults: true });
  const reqObj = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { generateName: `${rs.name}-`, namespace: 'shop', creationTimestamp: null, labels, ownerReferences: owner },
    spec,
    status: {},
  };
  const vol = projectedTokenVolume(r);
  const c = { ...spec.containers[0], volumeMounts: [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] };
  const respObj = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: podName, generateName: `${rs.name}-`, namespace: 'shop', uid: r.uuid(), resourceVersion: L.rvAt(t), creationTimestamp: secTs(t), labels, ownerReferences: owner },
    spec: {
      volumes: [vol],
      ...spec,
      containers: [c],
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
  return { reqObj, respObj };
}

/**
 * What happens after a Deployment's pod template changes: new ReplicaSet, surge one pod at a time,
 * scheduler binds, kubelet reports status, old pods are scaled away.
 */
function rollout(L, t, app, newTag) {
  const r = L.rng;
  const dc = CONTROLLER['deployment-controller'];
  const rsc = CONTROLLER['replicaset-controller'];
  const oldRs = app.current;
  const hash = r.k8sSuffix(10);
  const rs = { name: `${app.name}-${hash}`, hash, uid: r.uuid() };
  app.replicaSets.push(rs);
  app.current = rs;
  const image = `${REGISTRY}/${app.name}:${newTag}`;

  const x = R('replicasets', { ns: 'shop', group: 'apps' });
  let e = L.req({ t, actor: dc, verb: 'create', uri: x.uri, ref: ref('replicasets', { ns: 'shop', name: rs.name, group: 'apps' }) });
  createEvent(L, e.end + r.int(1, 3) * MS, dc, 'shop', app.name);
  const st = R('deployments', { ns: 'shop', name: app.name, group: 'apps', sub: 'status' });
  L.req({ t: e.end + r.int(3, 9) * MS, actor: dc, verb: 'update', uri: st.uri, ref: st.ref });
  let cursor = e.end + r.int(4, 12) * MS;

  const oldPods = app.pods;
  const newPods = [];
  for (let i = 0; i < app.replicas; i++) {
    const node = i % 2 === 0 ? W1 : W0;
    const podName = `${rs.name}-${r.k8sSuffix(5)}`;
    const { reqObj, respObj } = podBodies(L, app, rs, image, podName, cursor);
    const p = R('pods', { ns: 'shop' });
    e = L.req({
      t: cursor,
      actor: rsc,
      verb: 'create',
      uri: p.uri,
      ref: ref('pods', { ns: 'shop' }),
      level: 'RequestResponse',
      reqObj,
      respObj,
      annotations: { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' },
      dur: r.int(5, 14) * MS,
    });
    const b = R('pods', { ns: 'shop', name: podName, sub: 'binding' });
    const bind = L.req({ t: e.end + r.int(2, 20) * MS, actor: ACT.sched, verb: 'create', uri: b.uri, ref: b.ref });
    createEvent(L, bind.end + r.int(1, 4) * MS, ACT.sched, 'shop', podName, { group: 'events.k8s.io' });
    kubeletPodStatus(L, bind.end + r.int(30, 90) * MS, node, 'shop', podName);
    const ready = bind.end + r.int(3500, 9000) * MS; // image pull + readiness probe
    kubeletPodStatus(L, ready, node, 'shop', podName);
    newPods.push({ name: podName, node, uid: respObj.metadata.uid, rs });

    // Scale the old ReplicaSet down by one and delete one old pod.
    const old = oldPods[i];
    const sc = R('replicasets', { ns: 'shop', name: oldRs.name, group: 'apps' });
    const scale = L.req({ t: ready + r.int(40, 200) * MS, actor: dc, verb: 'update', uri: sc.uri, ref: sc.ref });
    if (old) {
      const d = R('pods', { ns: 'shop', name: old.name });
      const del = L.req({ t: scale.end + r.int(5, 30) * MS, actor: rsc, verb: 'delete', uri: d.uri, ref: d.ref, reqObj: deleteOptions() });
      kubeletPodStatus(L, del.end + r.int(20, 80) * MS, old.node, 'shop', old.name);
      cursor = del.end + r.int(10, 50) * MS;
    } else {
      cursor = scale.end + r.int(10, 50) * MS;
    }
  }
  L.req({ t: cursor + r.int(200, 900) * MS, actor: dc, verb: 'update', uri: st.uri, ref: st.ref });
  app.pods = newPods;
  app.tag = newTag;
  return cursor;
}

/** Argo CD sync of one Deployment: GET, then a strategic-merge PATCH of the image (RequestResponse). */
function argoSync(L, t, app, newTag) {
  const r = L.rng;
  const x = R('deployments', { ns: 'shop', name: app.name, group: 'apps' });
  const g = L.req({ t, actor: ARGOCD, verb: 'get', uri: x.uri, ref: x.ref });
  const image = `${REGISTRY}/${app.name}:${newTag}`;
  const reqObj = { spec: { template: { spec: { containers: [{ name: app.name, image }] } } } };
  app.generation += 1;
  app.revision += 1;
  const pt = g.end + r.int(40, 300) * MS;
  const respObj = deploymentObject(app, { image, rv: L.rvAt(pt), now: pt });
  const p = L.req({ t: pt, actor: ARGOCD, verb: 'patch', uri: `${x.uri}?fieldManager=argocd-controller`, ref: x.ref, level: 'RequestResponse', reqObj, respObj, dur: r.int(6, 15) * MS });
  rollout(L, p.end + r.int(2, 8) * MS, app, newTag);
  return p;
}

// ───────────────────────────── samples/audit.log ─────────────────────────────

const main = new AuditLog(20261120, 48_213_377, T0);
const LOOK = {}; // benign look-alikes: name → [auditIDs]
const look = (k, e) => (LOOK[k] ??= []).push(e.id);
const STEPS = {}; // incident steps: name → [auditIDs]
const step = (k, e) => {
  (STEPS[k] ??= []).push(e.id);
  return e;
};
const TIMELINE = []; // [time, step, text]
const ATTACKER_IDS = [];
const atk = (e) => {
  ATTACKER_IDS.push(e.id);
  return e;
};

leaderLeases(main, T0, T_END, 60 * SEC);
kubeletHeartbeats(main, T0, T_END, 150 * SEC, 300 * SEC);
healthAndMetrics(main, T0, T_END, { probe: 60 * SEC, scrape: 60 * SEC });
watchLoops(main, T0, T_END, standardWatchStreams());
for (const e of main.entries) if (e.e.userAgent === INGRESS.ua && e.e.objectRef?.resource === 'secrets' && e.e.stage === 'ResponseComplete') look('ingress_nginx_watches_secrets', { id: e.e.auditID });

// 09:02:55 Argo CD syncs frontend v1.42.0 → v1.43.0
argoSync(main, at('09:02:55.318207'), APPS.frontend, 'v1.43.0');

// 09:04 alice (the real one, from the VPN, macOS kubectl) looks at checkout
{
  const r = main.rng;
  let t = at('09:04:12.402911');
  let e = main.req({ t, actor: ALICE, verb: 'list', ...R('pods', { ns: 'shop' }), uri: '/api/v1/namespaces/shop/pods?limit=500', rr: true, dur: r.int(3, 8) * MS });
  t = e.end + 9_200 * MS;
  const lg = R('pods', { ns: 'shop', name: 'checkout-7d9f8-abcde', sub: 'log' });
  e = main.req({ t, actor: ALICE, verb: 'get', uri: `${lg.uri}?container=checkout&tailLines=200`, ref: lg.ref, dur: r.int(40, 120) * MS });
  t = e.end + 21_700 * MS;
  const d = R('deployments', { ns: 'shop', name: 'checkout', group: 'apps' });
  e = main.req({ t, actor: ALICE, verb: 'get', uri: d.uri, ref: d.ref });
  e = main.req({ t: e.end + 6 * MS, actor: ALICE, verb: 'list', ...R('replicasets', { ns: 'shop', group: 'apps' }), uri: '/apis/apps/v1/namespaces/shop/replicasets?labelSelector=app%3Dcheckout' });
  e = main.req({
    t: e.end + 5 * MS,
    actor: ALICE,
    verb: 'list',
    ref: ref('events', { ns: 'shop' }),
    uri: `/api/v1/namespaces/shop/events${qs({ fieldSelector: `involvedObject.kind=Deployment,involvedObject.name=checkout,involvedObject.namespace=shop,involvedObject.uid=${APPS.checkout.uid}` })}`,
  });
  t = e.end + 14_100 * MS;
  const nodes = R('nodes');
  e = main.req({ t, actor: ALICE, verb: 'list', uri: '/api/v1/nodes?limit=500', ref: nodes.ref, fail: forbidden('alice@example.com', 'list', 'nodes') });
  look('alice_legit_forbidden_list_nodes', e);
  t = e.end + 8_300 * MS;
  main.req({ t, actor: ALICE, verb: 'list', uri: '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods', ref: ref('pods', { ns: 'shop', group: 'metrics.k8s.io', version: 'v1beta1' }), reason: ALICE.reason });
}

// 09:06 bob checks the nodes and updates a Grafana dashboard ConfigMap
{
  const r = main.rng;
  let t = at('09:06:31.077345');
  let e = main.req({ t, actor: BOB, verb: 'list', uri: '/api/v1/nodes?limit=500', ref: ref('nodes'), rr: true, dur: r.int(3, 7) * MS });
  e = main.req({ t: e.end + 4_800 * MS, actor: BOB, verb: 'list', uri: '/apis/metrics.k8s.io/v1beta1/nodes', ref: ref('nodes', { group: 'metrics.k8s.io', version: 'v1beta1' }) });
  const n = R('nodes', { name: W1.name });
  e = main.req({ t: e.end + 11_300 * MS, actor: BOB, verb: 'get', uri: n.uri, ref: n.ref });
  e = main.req({
    t: e.end + 7 * MS,
    actor: BOB,
    verb: 'list',
    ref: ref('pods'),
    uri: `/api/v1/pods${qs({ fieldSelector: `spec.nodeName=${W1.name},status.phase!=Failed,status.phase!=Succeeded` })}`,
    dur: r.int(4, 11) * MS,
  });
  e = main.req({ t: e.end + 5 * MS, actor: BOB, verb: 'list', ref: ref('events'), uri: `/api/v1/events${qs({ fieldSelector: `involvedObject.kind=Node,involvedObject.name=${W1.name},involvedObject.namespace=,involvedObject.uid=${W1.uid}` })}` });
  const cm = R('configmaps', { ns: 'monitoring', name: 'grafana-dashboards-k8s' });
  e = main.req({ t: e.end + 52_400 * MS, actor: BOB, verb: 'get', uri: cm.uri, ref: cm.ref });
  main.req({ t: e.end + 31 * MS, actor: BOB, verb: 'patch', uri: `${cm.uri}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, ref: cm.ref, dur: r.int(5, 12) * MS });
}

// 09:08:31 Argo CD syncs cart: config first, then the Deployment
{
  const r = main.rng;
  const cm = R('configmaps', { ns: 'shop', name: 'cart-config' });
  const e = main.req({ t: at('09:08:31.550613'), actor: ARGOCD, verb: 'patch', uri: `${cm.uri}?fieldManager=argocd-controller`, ref: cm.ref, rr: true, dur: r.int(4, 9) * MS });
  argoSync(main, e.end + 180 * MS, APPS.cart, 'v2.7.2');
}

// 09:10:05 a CI pipeline step applies the feature-flags ConfigMap with kubectl (same kubectl build as the attacker's)
{
  const cm = R('configmaps', { ns: 'shop', name: 'feature-flags' });
  const e = main.req({ t: at('09:10:05.920044'), actor: CI_RUNNER, verb: 'get', uri: cm.uri, ref: cm.ref });
  main.req({ t: e.end + 44 * MS, actor: CI_RUNNER, verb: 'patch', uri: `${cm.uri}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, ref: cm.ref, rr: true });
}

// ── The incident: alice's kubeconfig (client certificate) used from 203.0.113.66 ──
const debugEvents = [];
{
  const r = main.rng;
  const A = ATTACKER;
  const AC = ATTACKER_CURL;
  let t = at('09:13:02.114518');

  // kubectl with an empty discovery cache
  let e = atk(main.req({ t, actor: A, verb: 'get', uri: '/api?timeout=32s', reason: REASON.discovery }));
  e = atk(main.req({ t: e.end + 23 * MS, actor: A, verb: 'get', uri: '/apis?timeout=32s', reason: REASON.discovery }));

  // (a) kubectl auth can-i --list
  t = e.end + 61 * MS;
  e = atk(
    step(
      'a_selfsubjectrulesreview',
      main.req({ t, actor: A, verb: 'create', uri: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', ref: ref('selfsubjectrulesreviews', { group: 'authorization.k8s.io' }), reason: REASON.basicUser }),
    ),
  );
  TIMELINE.push([e.t, 'a_selfsubjectrulesreview', '`kubectl auth can-i --list` (create selfsubjectrulesreviews) with kubectl/v1.30.2 from 203.0.113.66']);

  // (b) secrets: list kube-system (denied: dev-team only has edit in shop), then curl four shop secrets
  t = e.end + 17_800 * MS;
  e = atk(
    step(
      'b_secret_enumeration',
      main.req({
        t,
        actor: A,
        verb: 'list',
        uri: '/api/v1/namespaces/kube-system/secrets?limit=500',
        ref: ref('secrets', { ns: 'kube-system' }),
        fail: forbidden('alice@example.com', 'list', 'secrets', undefined, 'kube-system'),
      }),
    ),
  );
  TIMELINE.push([e.t, 'b_secret_enumeration', '`kubectl -n kube-system get secrets` → 403 Forbidden (decision forbid)']);
  t = e.end + 20_400 * MS;
  const firstGet = t;
  for (const s of SHOP_SECRETS) {
    const x = R('secrets', { ns: 'shop', name: s });
    e = atk(step('b_secret_enumeration', main.req({ t, actor: AC, verb: 'get', uri: x.uri, ref: x.ref })));
    t = e.end + r.int(380, 1100) * MS;
  }
  TIMELINE.push([firstGet, 'b_secret_enumeration', `curl/8.5.0 GETs 4 Secrets in shop within ~3 s: ${SHOP_SECRETS.join(', ')}`]);

  // (c) kubectl exec into checkout and query the cloud metadata service
  t = e.end + 44_900 * MS;
  const pod = R('pods', { ns: 'shop', name: 'checkout-7d9f8-abcde' });
  e = atk(main.req({ t, actor: A, verb: 'get', uri: pod.uri, ref: pod.ref }));
  const ex = R('pods', { ns: 'shop', name: 'checkout-7d9f8-abcde', sub: 'exec' });
  const execQuery =
    'command=sh&command=-c&command=curl%20-s%20http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2Fiam%2F&container=checkout&stdin=true&stdout=true&tty=true';
  e = atk(step('c_exec_imds_probe', main.req({ t: e.end + 37 * MS, actor: A, verb: 'get', uri: `${ex.uri}?${execQuery}`, ref: ex.ref, level: 'Request', code: 101, stream: 2_436_118 })));
  TIMELINE.push([e.t, 'c_exec_imds_probe', 'exec into shop/checkout-7d9f8-abcde (verb get, subresource exec, 101; ResponseStarted + ResponseComplete): `sh -c curl -s http://169.254.169.254/latest/meta-data/iam/`']);

  // (d) try to bind cluster-admin directly (403), check what ops-bot may do, then do it as ops-bot
  t = e.end + 38_300 * MS;
  const crbUri = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create&fieldValidation=Strict';
  const crbBody = (name) => ({
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name, creationTimestamp: null },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice@example.com' }],
  });
  e = atk(
    step(
      'd1_forbidden_clusterrolebinding',
      main.req({
        t,
        actor: A,
        verb: 'create',
        uri: crbUri,
        ref: ref('clusterrolebindings', { name: 'alice-cluster-admin', group: 'rbac.authorization.k8s.io' }),
        level: 'RequestResponse',
        reqObj: crbBody('alice-cluster-admin'),
        fail: forbidden('alice@example.com', 'create', 'clusterrolebindings', 'rbac.authorization.k8s.io'),
      }),
    ),
  );
  TIMELINE.push([e.t, 'd1_forbidden_clusterrolebinding', '`kubectl create clusterrolebinding alice-cluster-admin --clusterrole=cluster-admin --user=alice@example.com` → 403']);

  const opsBot = {
    username: 'system:serviceaccount:shop:ops-bot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
  };
  t = e.end + 26_700 * MS;
  e = atk(
    step(
      'd2_impersonation_probe',
      main.req({
        t,
        actor: A,
        imp: opsBot,
        verb: 'create',
        uri: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        ref: ref('selfsubjectaccessreviews', { group: 'authorization.k8s.io' }),
        reason: crb('system:basic-user', 'system:basic-user', 'Group', 'system:authenticated'),
      }),
    ),
  );
  TIMELINE.push([e.t, 'd2_impersonation_probe', '`kubectl auth can-i create clusterrolebindings --as=system:serviceaccount:shop:ops-bot` (impersonatedUser ops-bot)']);

  t = e.end + 15_900 * MS;
  const crbUid = r.uuid();
  main.opsBotAdminUid = crbUid;
  const crbResp = {
    ...crbBody('ops-bot-admin'),
    metadata: {
      name: 'ops-bot-admin',
      uid: crbUid,
      resourceVersion: main.rvAt(t),
      creationTimestamp: secTs(t),
      managedFields: [
        { manager: 'kubectl-create', operation: 'Update', apiVersion: 'rbac.authorization.k8s.io/v1', time: secTs(t), fieldsType: 'FieldsV1', fieldsV1: { 'f:roleRef': {}, 'f:subjects': {} } },
      ],
    },
  };
  e = atk(
    step(
      'd3_impersonated_cluster_admin_binding',
      main.req({
        t,
        actor: A,
        imp: opsBot,
        verb: 'create',
        uri: crbUri,
        ref: ref('clusterrolebindings', { name: 'ops-bot-admin', group: 'rbac.authorization.k8s.io' }),
        level: 'RequestResponse',
        reqObj: crbBody('ops-bot-admin'),
        respObj: crbResp,
        reason: REASON.opsBot,
        dur: r.int(5, 11) * MS,
      }),
    ),
  );
  TIMELINE.push([e.t, 'd3_impersonated_cluster_admin_binding', 'as ops-bot (impersonation): create ClusterRoleBinding ops-bot-admin → ClusterRole cluster-admin for User alice@example.com (201)']);

  // (e) privileged, host-namespace pod with the node's / mounted, in kube-system
  t = e.end + 41_200 * MS;
  const podSpecReq = {
    volumes: [{ name: 'host-root', hostPath: { path: '/', type: '' } }],
    containers: [
      {
        name: 'debug',
        image: 'docker.io/library/alpine:latest',
        command: ['sleep', '86400'],
        resources: {},
        volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
        securityContext: { privileged: true },
        stdin: true,
        tty: true,
      },
    ],
    restartPolicy: 'Always',
    hostNetwork: true,
    hostPID: true,
    tolerations: [{ operator: 'Exists' }],
  };
  const podReq = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'debug-tools', namespace: 'kube-system', creationTimestamp: null, labels: { run: 'debug-tools' } }, spec: podSpecReq, status: {} };
  const vol = projectedTokenVolume(r);
  const debugUid = r.uuid();
  const podResp = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'debug-tools',
      namespace: 'kube-system',
      uid: debugUid,
      resourceVersion: main.rvAt(t),
      creationTimestamp: secTs(t),
      labels: { run: 'debug-tools' },
      managedFields: [
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'v1',
          time: secTs(t),
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:run': {} } }, 'f:spec': { 'f:containers': {}, 'f:hostNetwork': {}, 'f:hostPID': {}, 'f:tolerations': {}, 'f:volumes': {} } },
        },
      ],
    },
    spec: {
      volumes: [{ name: 'host-root', hostPath: { path: '/', type: '' } }, vol],
      containers: [
        {
          ...podSpecReq.containers[0],
          volumeMounts: [
            { name: 'host-root', mountPath: '/host' },
            { name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
          ],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'Always',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      hostNetwork: true,
      hostPID: true,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [{ operator: 'Exists' }],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
  e = atk(
    step(
      'e_privileged_hostpath_pod',
      main.req({
        t,
        actor: A,
        verb: 'create',
        uri: '/api/v1/namespaces/kube-system/pods?fieldManager=kubectl-create&fieldValidation=Strict',
        ref: ref('pods', { ns: 'kube-system', name: 'debug-tools' }),
        level: 'RequestResponse',
        reqObj: podReq,
        respObj: podResp,
        reason: REASON.stolenAdmin,
        annotations: { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' },
        dur: r.int(8, 16) * MS,
      }),
    ),
  );
  TIMELINE.push([e.t, 'e_privileged_hostpath_pod', 'create Pod kube-system/debug-tools: privileged, hostPID, hostNetwork, hostPath / at /host, docker.io/library/alpine:latest, tolerates everything']);
  // the cluster's reaction: bind, events, status
  const b = R('pods', { ns: 'kube-system', name: 'debug-tools', sub: 'binding' });
  const bind = main.req({ t: e.end + r.int(3, 12) * MS, actor: ACT.sched, verb: 'create', uri: b.uri, ref: b.ref });
  debugEvents.push(createEvent(main, bind.end + 2 * MS, ACT.sched, 'kube-system', 'debug-tools', { group: 'events.k8s.io' }).name);
  kubeletPodStatus(main, bind.end + 41 * MS, W1, 'kube-system', 'debug-tools');
  let kt = bind.end + 95 * MS;
  for (const step_ of ['Pulling', 'Pulled', 'Created', 'Started']) {
    const ev = createEvent(main, kt, KUBELET[W1.name], 'kube-system', 'debug-tools');
    debugEvents.push(ev.name);
    kt = ev.end + (step_ === 'Pulling' ? 1_830 : r.int(40, 160)) * MS;
  }
  kubeletPodStatus(main, kt + 300 * MS, W1, 'kube-system', 'debug-tools');
  // attacker waits for it
  const dg = R('pods', { ns: 'kube-system', name: 'debug-tools' });
  e = atk(main.req({ t: e.end + 6_200 * MS, actor: A, verb: 'get', uri: dg.uri, ref: dg.ref, reason: REASON.stolenAdmin }));

  // (f) destroy: the stolen secret, then the shop workloads, then the evidence in kube-system events
  t = e.end + 33_600 * MS;
  const sx = R('secrets', { ns: 'shop', name: 'db-credentials' });
  e = atk(
    step(
      'f1_secret_delete',
      main.req({ t, actor: A, verb: 'delete', uri: sx.uri, ref: sx.ref, reqObj: deleteOptions('Background'), success: { name: 'db-credentials', kind: 'secrets', uid: r.uuid() }, reason: REASON.stolenAdmin }),
    ),
  );
  TIMELINE.push([e.t, 'f1_secret_delete', 'delete Secret shop/db-credentials']);

  const massStart = e.end + 13_900 * MS;
  t = massStart;
  const deletes = [
    ['deployments', ['checkout', 'payments', 'cart', 'frontend', 'catalog']],
    ['services', ['checkout', 'payments', 'cart', 'frontend']],
    ['configmaps', ['checkout-config', 'payments-config', 'feature-flags']],
  ];
  let massEnd = t;
  const gcQueue = [];
  for (const [resource, names] of deletes) {
    for (const name of names) {
      const group = resource === 'deployments' ? 'apps' : undefined;
      const x = R(resource, { ns: 'shop', name, group });
      const app = APPS[name.replace(/-config$/, '')];
      const uid = resource === 'deployments' ? app.uid : resource === 'services' ? app.svcUid : (app?.cfgUid ?? r.uuid());
      const details = { name, kind: resource, uid };
      if (group) details.group = group;
      e = atk(
        step(
          'f2_mass_delete',
          main.req({
            t,
            actor: A,
            verb: 'delete',
            uri: x.uri,
            ref: x.ref,
            level: resource === 'deployments' ? 'RequestResponse' : 'Metadata',
            reqObj: deleteOptions('Background'),
            success: details,
            reason: REASON.stolenAdmin,
            dur: r.int(4, 10) * MS,
          }),
        ),
      );
      if (resource === 'deployments') gcQueue.push({ app, t: e.end });
      massEnd = e.end;
      t = e.end + r.int(90, 260) * MS; // one kubectl command deletes its names back to back
    }
    t += r.int(9_000, 12_500) * MS; // next command
  }
  TIMELINE.push([
    massStart,
    'f2_mass_delete',
    `12 deletes in shop within ${((massEnd - massStart) / SEC).toFixed(1)} s: deployments checkout, payments, cart, frontend, catalog; services checkout, payments, cart, frontend; configmaps checkout-config, payments-config, feature-flags`,
  ]);
  // garbage collector cascades (benign, system identity)
  const gc = CONTROLLER['generic-garbage-collector'];
  for (const { app, t: dt } of gcQueue) {
    let gt = dt + r.int(20, 90) * MS;
    for (const rs of app.replicaSets) {
      const x = R('replicasets', { ns: 'shop', name: rs.name, group: 'apps' });
      const d = main.req({ t: gt, actor: gc, verb: 'delete', uri: x.uri, ref: x.ref, reqObj: deleteOptions('Background'), success: { name: rs.name, group: 'apps', kind: 'replicasets', uid: rs.uid } });
      look('garbage_collector_cascade_deletes', d);
      gt = d.end + r.int(5, 30) * MS;
    }
    for (const p of app.pods) {
      const x = R('pods', { ns: 'shop', name: p.name });
      const d = main.req({ t: gt + r.int(150, 600) * MS, actor: gc, verb: 'delete', uri: x.uri, ref: x.ref, reqObj: deleteOptions('Background') });
      look('garbage_collector_cascade_deletes', d);
      kubeletPodStatus(main, d.end + r.int(30, 120) * MS, p.node, 'shop', p.name);
      gt = d.end + r.int(5, 30) * MS;
    }
  }

  t = massEnd + 31_400 * MS;
  e = atk(main.req({ t, actor: A, verb: 'list', uri: '/api/v1/namespaces/kube-system/events?limit=500', ref: ref('events', { ns: 'kube-system' }), reason: REASON.stolenAdmin }));
  const evDelStart = e.end + 88 * MS;
  t = evDelStart;
  // two older events (from before this file) plus the five about debug-tools
  const oldEvents = [
    eventName(KUBE_PROXY[2].user.extra['authentication.kubernetes.io/pod-name'][0], at('08:41:17.206113'), r),
    eventName(`etcd-${CP.name}`, at('08:52:03.771950'), r),
  ];
  for (const name of [...oldEvents, ...debugEvents]) {
    const x = R('events', { ns: 'kube-system', name });
    e = atk(step('f3_events_delete', main.req({ t, actor: A, verb: 'delete', uri: x.uri, ref: x.ref, success: { name, kind: 'events', uid: r.uuid() }, reason: REASON.stolenAdmin })));
    t = e.end + r.int(60, 140) * MS;
  }
  TIMELINE.push([evDelStart, 'f3_events_delete', `\`kubectl -n kube-system delete events --all\`: ${oldEvents.length + debugEvents.length} Event deletes, including the 5 events about debug-tools`]);

  // (g) remove Pod Security enforcement from shop
  t = e.end + 27_300 * MS;
  const ns = R('namespaces', { name: 'shop' });
  const nsResp = {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name: 'shop',
      uid: r.uuid(),
      resourceVersion: main.rvAt(t),
      creationTimestamp: secTs(AGE - 3 * 24 * 3600 * SEC),
      labels: {
        'app.kubernetes.io/part-of': 'shop',
        'kubernetes.io/metadata.name': 'shop',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
  e = atk(
    step(
      'g_psa_label_removed',
      main.req({
        t,
        actor: A,
        verb: 'patch',
        uri: `${ns.uri}?fieldManager=kubectl-label`,
        ref: ref('namespaces', { ns: 'shop', name: 'shop' }),
        level: 'RequestResponse',
        reqObj: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': null } } },
        respObj: nsResp,
        reason: REASON.stolenAdmin,
        dur: r.int(5, 10) * MS,
      }),
    ),
  );
  TIMELINE.push([e.t, 'g_psa_label_removed', '`kubectl label ns shop pod-security.kubernetes.io/enforce-` (patch namespaces/shop, label set to null)']);
  main.nsResp = nsResp;
}

// 09:21:40 Argo CD notices the shop app is gone (404s) — benign
{
  const r = main.rng;
  let t = at('09:21:40.208551');
  for (const [resource, group, name] of [
    ['deployments', 'apps', 'checkout'],
    ['services', undefined, 'checkout'],
    ['deployments', 'apps', 'frontend'],
  ]) {
    const x = R(resource, { ns: 'shop', name, group });
    const e = main.req({ t, actor: ARGOCD, verb: 'get', uri: x.uri, ref: x.ref, code: 404, fail: notFound(resource, group, name) });
    t = e.end + r.int(15, 60) * MS;
  }
}

// 09:24 bob responds: removes the binding, the pod, restores Pod Security enforcement — benign look-alikes
{
  let t = at('09:24:09.731260');
  const c = R('clusterrolebindings', { name: 'ops-bot-admin', group: 'rbac.authorization.k8s.io' });
  let e = main.req({ t, actor: BOB, verb: 'get', uri: c.uri, ref: c.ref });
  t = e.end + 48_200 * MS;
  e = main.req({
    t,
    actor: BOB,
    verb: 'delete',
    uri: c.uri,
    ref: c.ref,
    level: 'RequestResponse',
    reqObj: deleteOptions('Background'),
    success: { name: 'ops-bot-admin', group: 'rbac.authorization.k8s.io', kind: 'clusterrolebindings', uid: main.opsBotAdminUid },
  });
  look('bob_deletes_clusterrolebinding', e);
  const d = R('pods', { ns: 'kube-system', name: 'debug-tools' });
  e = main.req({ t: e.end + 19_800 * MS, actor: BOB, verb: 'delete', uri: d.uri, ref: d.ref, reqObj: deleteOptions() });
  look('bob_deletes_debug_pod', e);
  kubeletPodStatus(main, e.end + 60 * MS, W1, 'kube-system', 'debug-tools');
  const ns = R('namespaces', { name: 'shop' });
  t = e.end + 36_500 * MS;
  const resp = structuredClone(main.nsResp);
  resp.metadata.labels['pod-security.kubernetes.io/enforce'] = 'restricted';
  resp.metadata.resourceVersion = main.rvAt(t);
  e = main.req({
    t,
    actor: BOB,
    verb: 'patch',
    uri: `${ns.uri}?fieldManager=kubectl-label`,
    ref: ref('namespaces', { ns: 'shop', name: 'shop' }),
    level: 'RequestResponse',
    reqObj: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    respObj: resp,
  });
  look('bob_restores_psa_label', e);
}

// ───────────────────────────── samples/rotated/ (earlier traffic) ─────────────────────────────

function earlierTraffic() {
  const from = at('07:30:00');
  const to = at('08:30:00');
  const L = new AuditLog(20261119, 48_001_902, from);
  const r = L.rng;
  leaderLeases(L, from, to, 480 * SEC);
  kubeletHeartbeats(L, from, to, 1200 * SEC, 1200 * SEC);
  healthAndMetrics(L, from, to, { probe: 300 * SEC, scrape: 0 });
  // one coredns reflector
  watchLoops(L, from, to, [{ actor: COREDNS[0], resource: 'endpointslices', group: 'discovery.k8s.io' }]);
  // Argo CD refreshes twice
  for (const hm of ['07:48:12.330127', '08:17:44.902311']) {
    let t = at(hm);
    for (const app of ['frontend', 'checkout']) {
      const x = R('deployments', { ns: 'shop', name: app, group: 'apps' });
      const e = L.req({ t, actor: ARGOCD, verb: 'get', uri: x.uri, ref: x.ref });
      t = e.end + r.int(20, 80) * MS;
    }
  }
  // 08:05 bob lists namespaces and pods
  {
    let e = L.req({ t: at('08:05:27.614402'), actor: BOB, verb: 'list', uri: '/api/v1/namespaces?limit=500', ref: ref('namespaces') });
    e = L.req({ t: e.end + 12_400 * MS, actor: BOB, verb: 'list', uri: '/api/v1/pods?limit=500', ref: ref('pods'), dur: 14 * MS });
    const cm = R('configmaps', { ns: 'shop', name: 'feature-flags' });
    L.req({ t: e.end + 40_900 * MS, actor: BOB, verb: 'get', uri: cm.uri, ref: cm.ref });
  }
  return L;
}

// ───────────────────────────── samples/webhook-batch.json ─────────────────────────────

function webhookBatch() {
  const from = T_END; // right after audit.log ends
  const L = new AuditLog(20261121, main.rvAt(T_END), T_END);
  const r = L.rng;
  let t = from + 120 * MS;
  const x = R('leases', { ns: 'kube-system', name: 'kube-controller-manager', group: 'coordination.k8s.io' });
  let e = L.req({ t, actor: ACT.kcmLeader, verb: 'get', uri: `${x.uri}?timeout=5s`, ref: x.ref });
  L.req({ t: e.end + 500, actor: ACT.kcmLeader, verb: 'update', uri: `${x.uri}?timeout=5s`, ref: { ...x.ref, resourceVersion: L.rvAt(e.end) } });
  for (const n of NODES) {
    const lx = R('leases', { ns: 'kube-node-lease', name: n.name, group: 'coordination.k8s.io' });
    L.req({ t: from + r.int(200, 9000) * MS, actor: KUBELET[n.name], verb: 'update', uri: `${lx.uri}?timeout=10s`, ref: lx.ref });
  }
  L.req({ t: from + 1_300 * MS, actor: ACT.anonProbe, verb: 'get', uri: '/readyz' });
  L.req({ t: from + 4_300 * MS, actor: ACT.anonProbe, verb: 'get', uri: '/livez' });
  L.req({ t: from + 2_900 * MS, actor: ACT.prometheus, verb: 'get', uri: '/metrics', dur: 31 * MS });
  // bob keeps investigating
  t = from + 3_100 * MS;
  e = L.req({ t, actor: BOB, verb: 'list', uri: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=500', ref: ref('clusterrolebindings', { group: 'rbac.authorization.k8s.io' }) });
  e = L.req({ t: e.end + 2_200 * MS, actor: BOB, verb: 'list', uri: '/api/v1/namespaces/shop/secrets?limit=500', ref: ref('secrets', { ns: 'shop' }) });
  e = L.req({ t: e.end + 1_900 * MS, actor: BOB, verb: 'list', uri: '/apis/apps/v1/namespaces/shop/deployments?limit=500', ref: ref('deployments', { ns: 'shop', group: 'apps' }) });
  for (const n of [W0, W1]) {
    const s = R('nodes', { name: n.name, sub: 'status' });
    L.req({ t: from + r.int(500, 9500) * MS, actor: KUBELET[n.name], verb: 'patch', uri: `${s.uri}?timeout=10s`, ref: s.ref });
  }
  const sched = R('leases', { ns: 'kube-system', name: 'kube-scheduler', group: 'coordination.k8s.io' });
  e = L.req({ t: from + 6_400 * MS, actor: ACT.schedLeader, verb: 'get', uri: `${sched.uri}?timeout=5s`, ref: sched.ref });
  L.req({ t: e.end + 700, actor: ACT.schedLeader, verb: 'update', uri: `${sched.uri}?timeout=5s`, ref: sched.ref });
  for (let i = 0; i < 5; i++) {
    const c = COREDNS[i % 2];
    L.req({ t: from + r.int(100, 9800) * MS, actor: c, verb: 'list', uri: '/api/v1/namespaces?limit=500&resourceVersion=0', ref: ref('namespaces') });
  }
  const items = L.sorted().map((ev) => {
    const { kind: _k, apiVersion: _a, ...rest } = ev;
    return rest;
  });
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
}

// ───────────────────────────── write everything ─────────────────────────────

function jsonl(events) {
  return events.map((e) => `${goJSON(e)}\n`).join('');
}

mkdirSync(join(OUT, 'rotated'), { recursive: true });

const mainEvents = main.sorted();
writeFileSync(join(OUT, 'audit.log'), jsonl(mainEvents));

const early = earlierTraffic().sorted();
const cut = at('08:00:00');
const older = early.filter((e) => Date.parse(e.stageTimestamp) < cut / MS);
const newer = early.filter((e) => Date.parse(e.stageTimestamp) >= cut / MS);
writeFileSync(join(OUT, 'rotated', 'audit-2026-11-20T08-00-00.000.log.gz'), gzipSync(Buffer.from(jsonl(older)), { level: 9 }));
writeFileSync(join(OUT, 'rotated', 'audit-2026-11-20T08-30-00.000.log'), jsonl(newer));

const hook = webhookBatch();
writeFileSync(join(OUT, 'webhook-batch.json'), `${goJSON(hook)}\n`);

mkdirSync(join(OUT, 'labels'), { recursive: true });
writeFileSync(join(OUT, 'labels', 'incident-auditids.json'), `${JSON.stringify(STEPS, null, 2)}\n`);
writeFileSync(join(OUT, 'labels', 'benign-lookalikes.json'), `${JSON.stringify(LOOK, null, 2)}\n`);

// INCIDENT.md
{
  const hhmmss = (us) => ts(us).slice(11, 23);
  const fromAttacker = mainEvents.filter((e) => e.sourceIPs.includes(ATTACKER_IP));
  const attackSpan = [fromAttacker[0].requestReceivedTimestamp.slice(11, 19), fromAttacker.at(-1).stageTimestamp.slice(11, 19)];
  const rows = TIMELINE.sort((a, b) => a[0] - b[0]).map(([t, s, text]) => `| ${hhmmss(t)} | \`${s}\` | ${text} |`);
  const ids = Object.entries(STEPS)
    .map(([s, list]) => `- \`${s}\` (${list.length}):\n${list.map((id) => `  - \`${id}\``).join('\n')}`)
    .join('\n');
  const look_ = Object.entries(LOOK)
    .map(([s, list]) => `- \`${s}\`: ${list.length} event${list.length === 1 ? '' : 's'}`)
    .join('\n');
  const md = `# Incident in samples/audit.log (synthetic)

Generated by \`scripts/make-samples.mjs\` — do not edit by hand; re-run the script.

Cluster \`${CLUSTER}\` (Kubernetes ${K8S}, nodes ${NODES.map((n) => `\`${n.name}\``).join(', ')}). The log covers
${ts(T0)} – ${ts(T_END)} (${mainEvents.length} events). From ${attackSpan[0]} to ${attackSpan[1]} someone uses **alice@example.com**'s
kubeconfig (her client certificate: same username, groups and \`credential-id\` as the real alice) from
**${ATTACKER_IP}** with \`${KUBECTL_UA_LINUX}\`, switching to \`curl/8.5.0\` for the secret reads.
The real alice works from 10.20.4.17 with \`${KUBECTL_UA_MAC}\`; the CI runner uses the very same
\`${KUBECTL_UA_LINUX}\` user agent, so the user agent alone does not identify the attacker.

Why each step works: alice (group \`dev-team\`) has ClusterRole \`edit\` in namespace \`shop\` (RoleBinding
\`dev-team-edit\`), which lets her read shop Secrets and exec into shop pods, and may impersonate the service
account \`shop:ops-bot\`, which holds ClusterRole \`ops-bot-rbac-manager\` (create ClusterRoleBindings and
\`bind\` any ClusterRole). After step d3 every request is authorized by the new ClusterRoleBinding
\`ops-bot-admin\` (cluster-admin).

## Timeline

| time (UTC) | step | what |
|---|---|---|
${rows.join('\n')}

All ${ATTACKER_IDS.length} requests from ${ATTACKER_IP} (including kubectl discovery of \`/api\` and \`/apis\`, the \`get pod\`
before the exec, and the \`list events\` before the event deletes) are the attacker's; the step lists above
contain only the requests a detector should flag.

Notes for tests:
- The kube-system secrets list in step b is **denied** (403, decision \`forbid\`); the four shop secret reads succeed.
- The exec (step c) has two events with the same auditID: \`ResponseStarted\` (101) and \`ResponseComplete\` (101).
  Its requestURI is written with Go's JSON escaping (\`\\u0026\` for \`&\`), as kube-apiserver does.
- Step d1 is a 403 at RequestResponse level (requestObject present, responseObject is a Failure Status).
- Step d2/d3 carry \`impersonatedUser\` = \`system:serviceaccount:shop:ops-bot\`; \`user\` stays alice.
- Step f2 is exactly 12 deletes by one user within 40 s; the garbage collector's cascade deletes that follow
  (replicasets, pods; \`system:serviceaccount:kube-system:generic-garbage-collector\`) are benign.

## auditIDs per step (also in \`labels/incident-auditids.json\`)

${ids}

## Benign look-alikes (in \`labels/benign-lookalikes.json\`)

${look_}

- bob@example.com (platform-admins, from 10.20.4.52) cleans up at 09:24–09:26: deletes ClusterRoleBinding
  \`ops-bot-admin\`, deletes pod \`kube-system/debug-tools\` and re-adds the \`pod-security.kubernetes.io/enforce\` label.
- The real alice's one 403 (\`list nodes\` at 09:04) is ordinary.
- ingress-nginx watches Secrets cluster-wide (TLS certificates); Argo CD (\`system:serviceaccount:ci:deployer\`)
  gets 404s for the deleted shop objects at 09:21.
`;
  writeFileSync(join(OUT, 'INCIDENT.md'), md);
}

const count = (k) => mainEvents.filter((e) => e.stage === k).length;
console.log(
  `samples/audit.log: ${mainEvents.length} events (RequestReceived ${count('RequestReceived')}, ResponseStarted ${count('ResponseStarted')}, ResponseComplete ${count('ResponseComplete')})`,
);
console.log(`samples/rotated: ${older.length} events (older .gz) + ${newer.length} events (newer)`);
console.log(`samples/webhook-batch.json: ${hook.items.length} items`);
console.log(`incident steps: ${Object.keys(STEPS).length}, attacker requests: ${ATTACKER_IDS.length}`);
