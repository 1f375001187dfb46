// The shipped catalogue against recorded incidents and recorded benign traffic.
//
// Incidents: the five Yandex Practicum Task6 captures (real minikube clusters running the same attack
// script; labels.jsonl per capture) and samples/audit.log (synthetic, labelled step by step in
// samples/labels/). Benign: the hkerma helm install/uninstall storm (16,563 real events from a
// 3-node kubeadm cluster) and every Task6 event outside the script (API server start, controllers,
// minikube bootstrap, 10 minutes of idle in Factotum8).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, Severity } from '../../../src/core/alert.js';
import { severityRank } from '../../../src/core/alert.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { CORPUS, REPO_ROOT } from '../../helpers/events.js';
import { hkermaCsvToEvents } from './hkerma-csv.js';

const catalogue = loadCatalogue();

function detect(lines: string[], source: string): Alert[] {
  const decoded = createDecoder({ defaultCluster: source }).decode(lines.map((text, i) => ({ text, origin: { source, line: i + 1 } })));
  expect(decoded.rejected).toEqual([]);
  return createDetector(catalogue).detect(createEnricher({ redact: true })(decoded.events));
}

const readLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
const atLeastMedium = (a: Alert) => severityRank(a.rule.severity) >= severityRank('medium' as Severity);
/** Every request an alert stands for: its own, or a window's or sequence's contributing requests. */
const auditIdsOf = (a: Alert) => a.related?.audit_ids ?? [a.kubernetes.audit.auditID];

function alertsByAuditId(alerts: Alert[]): Map<string, Alert[]> {
  const m = new Map<string, Alert[]>();
  for (const a of alerts) for (const id of auditIdsOf(a)) m.set(id, [...(m.get(id) ?? []), a]);
  return m;
}

// ---------------------------------------------------------------------------------------------
const TASK6 = join(CORPUS, 'yandex-practicum-task6');
const CAPTURES = ['Factotum8', 'EkaterinaChuvakhina', 'PostScripton', 'DemArk939', 'vladimir-v-ivanov'];

interface Task6Label {
  auditID: string;
  stage: string;
  label: string;
}

/**
 * Labels the corpus got wrong (they are heuristic, see its MANIFEST.md). kubeadm's own lookup of its
 * bootstrap token during `kubeadm init` (user agent kubeadm/v1.34.0, 404) is labelled as the
 * attacker's secret enumeration because it reads a kube-system secret.
 */
const LABEL_ERRATA = new Set(['1f2d22e6-48e5-4ba1-812e-5acb97ca0133']);

/** What the script does on purpose: the attack itself and the suspicious steps around it. */
const isIncident = (l: Task6Label) => /^(attack|suspicious):/.test(l.label) && !LABEL_ERRATA.has(l.auditID);
/** Everything the script or its user did; what is left is the cluster booting and idling. */
const isScripted = (l: Task6Label) => !l.label.startsWith('benign:');

describe('Task6 captures: the scripted incident', () => {
  for (const capture of CAPTURES) {
    it(`${capture}: every attack and suspicious step raises an alert, attacks at medium or above`, () => {
      const labels = readLines(join(TASK6, capture, 'labels.jsonl')).map((l) => JSON.parse(l) as Task6Label);
      const byId = alertsByAuditId(detect(readLines(join(TASK6, capture, 'audit.log')), capture));
      const incidents = new Map(labels.filter(isIncident).map((l) => [l.auditID, l.label]));
      expect(incidents.size).toBeGreaterThan(0);
      const missed = [...incidents].filter(([id]) => !byId.has(id));
      expect(missed).toEqual([]);
      const attacksBelowMedium = [...incidents].filter(([id, label]) => label.startsWith('attack:') && !byId.get(id)!.some(atLeastMedium));
      expect(attacksBelowMedium).toEqual([]);
    });
  }

  it('detects each kind of attack step the script performs, with the rule that names it', () => {
    const expected: Record<string, string[]> = {
      'attack:exec_into_foreign_pod:kube-system': ['exec-kube-system', 'pod-exec'],
      'attack:secret_enumeration_kube-system': ['secrets-list-sensitive'],
      'attack:secret_read_as_impersonated_sa': ['secret-get-failed', 'impersonation'],
      'attack:privileged_pod_create': ['pod-privileged'],
      'attack:rbac_binding_to_cluster-admin': ['rbac-cluster-admin-binding'],
      'attack:delete_audit_policy': ['audit-config-tampering', 'impersonation-privileged'],
    };
    const seen = new Map<string, Set<string>>();
    for (const capture of CAPTURES) {
      const labels = readLines(join(TASK6, capture, 'labels.jsonl')).map((l) => JSON.parse(l) as Task6Label);
      const byId = alertsByAuditId(detect(readLines(join(TASK6, capture, 'audit.log')), capture));
      for (const l of labels.filter(isIncident)) for (const a of byId.get(l.auditID) ?? []) seen.set(l.label, (seen.get(l.label) ?? new Set()).add(a.rule.id));
    }
    for (const [label, rules] of Object.entries(expected)) expect([...(seen.get(label) ?? [])], label).toEqual(expect.arrayContaining(rules));
  });
});

// ---------------------------------------------------------------------------------------------
describe('samples/audit.log: the incident step by step', () => {
  const ids = JSON.parse(readFileSync(join(REPO_ROOT, 'samples/labels/incident-auditids.json'), 'utf8')) as Record<string, string[]>;
  const benign = JSON.parse(readFileSync(join(REPO_ROOT, 'samples/labels/benign-lookalikes.json'), 'utf8')) as Record<string, string[]>;
  const alerts = detect(readLines(join(REPO_ROOT, 'samples/audit.log')), 'prod-eu-1');
  const byId = alertsByAuditId(alerts);
  const rulesFor = (auditIds: string[]) => new Set(auditIds.flatMap((id) => (byId.get(id) ?? []).map((a) => a.rule.id)));

  const steps: [step: string, rules: string[]][] = [
    ['a_selfsubjectrulesreview', ['rbac-permission-enumeration']],
    ['b_secret_enumeration', ['secrets-list-sensitive', 'secrets-rapid-get', 'secrets-suspicious-user-agent']],
    ['c_exec_imds_probe', ['exec-cloud-metadata', 'pod-exec']],
    ['d1_forbidden_clusterrolebinding', ['forbidden-create']],
    ['d2_impersonation_probe', ['impersonated-permission-check', 'impersonation']],
    ['d3_impersonated_cluster_admin_binding', ['rbac-cluster-admin-binding']],
    ['e_privileged_hostpath_pod', ['pod-privileged', 'pod-sensitive-hostpath', 'pod-host-pid', 'pod-host-network', 'pod-kube-namespace']],
    ['f1_secret_delete', ['secret-deleted']],
    ['f2_mass_delete', ['mass-deletion']],
    ['f3_events_delete', ['events-deleted']],
    ['g_psa_label_removed', ['psa-enforce-weakened']],
  ];

  it('covers every labelled step', () => {
    expect(steps.map(([s]) => s).sort()).toEqual(Object.keys(ids).sort());
  });

  it.each(steps)('%s raises %j', (step, rules) => {
    expect([...rulesFor(ids[step]!)]).toEqual(expect.arrayContaining(rules));
  });

  it('flags every request of the secret, exec, binding, pod, delete and label steps at medium or above', () => {
    const quiet = Object.entries(ids)
      // `auth can-i --list` is low on its own; the mass deletion is one windowed alert (next test).
      .filter(([step]) => step !== 'a_selfsubjectrulesreview' && step !== 'f2_mass_delete')
      .flatMap(([step, list]) => list.filter((id) => !(byId.get(id) ?? []).some(atLeastMedium)).map((id) => `${step} ${id}`));
    expect(quiet).toEqual([]);
  });

  it('raises one mass-deletion alert built from the burst, and one events-deleted alert per event', () => {
    const mass = alerts.filter((a) => a.rule.id === 'mass-deletion');
    expect(mass).toHaveLength(1);
    // The window fires at the 10th distinct object (the secret delete of f1, then 9 of f2's 12) and
    // starts afresh: the last 3 deletes are the same burst, already reported.
    const burst = new Set([...ids.f1_secret_delete!, ...ids.f2_mass_delete!]);
    expect(auditIdsOf(mass[0]!).every((id) => burst.has(id))).toBe(true);
    expect(auditIdsOf(mass[0]!).filter((id) => ids.f2_mass_delete!.includes(id)).length).toBeGreaterThanOrEqual(9);
    expect(alerts.filter((a) => a.rule.id === 'events-deleted')).toHaveLength(ids.f3_events_delete!.length);
  });

  it('stays below medium on the benign look-alikes, and nowhere outside the incident rises to medium', () => {
    const lookalikes = Object.values(benign).flat();
    expect(lookalikes.flatMap((id) => (byId.get(id) ?? []).filter(atLeastMedium).map((a) => `${a.rule.id} ${id}`))).toEqual([]);
    const incident = new Set(Object.values(ids).flat());
    expect(alerts.filter(atLeastMedium).filter((a) => !auditIdsOf(a).some((id) => incident.has(id))).map((a) => a.message)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('false alarms on benign traffic (alerts at medium and above)', () => {
  it('Task6: none while the clusters boot and idle', () => {
    // Boot and idle = every event the labels do not attribute to the script or its user. Measured:
    // 0 in all five captures (Factotum8 includes ~10 minutes of idle after the script).
    for (const capture of CAPTURES) {
      const labels = readLines(join(TASK6, capture, 'labels.jsonl')).map((l) => JSON.parse(l) as Task6Label);
      const scripted = new Set(labels.filter(isScripted).map((l) => l.auditID));
      const alarms = detect(readLines(join(TASK6, capture, 'audit.log')), capture).filter(atLeastMedium).filter((a) => !auditIdsOf(a).some((id) => scripted.has(id)));
      expect(alarms.map((a) => `${capture}: ${a.message}`)).toEqual([]);
    }
  });

  it('Task6 boot and idle: the activity rules leave the control plane\'s own bookkeeping out (low alerts included)', () => {
    // Before control_plane_actor: 80 low activity alerts in Factotum8 and EkaterinaChuvakhina while the
    // clusters booted and idled (each namespace's default ServiceAccount and kube-root-ca.crt, the
    // controller manager's service accounts, the API server's default namespaces). What is left is
    // minikube's bootstrap user creating the storage-provisioner account, which Falco reports too.
    const left: string[] = [];
    for (const capture of CAPTURES) {
      const labels = readLines(join(TASK6, capture, 'labels.jsonl')).map((l) => JSON.parse(l) as Task6Label);
      const scripted = new Set(labels.filter(isScripted).map((l) => l.auditID));
      const alerts = detect(readLines(join(TASK6, capture, 'audit.log')), capture).filter((a) => !auditIdsOf(a).some((id) => scripted.has(id)));
      left.push(...alerts.map((a) => `${a.rule.id} ${a.user.name}`));
    }
    expect(left.filter((x) => x.startsWith('activity-') && !x.endsWith(' minikube'))).toEqual([]);
  });

  it('hkerma helm storm: no low alerts for admission refusals, Helm release records or the kubelet fetching a pod\'s secret', () => {
    // Before: 17 unauthorized-request (the ReplicaSet controller's pods refused by admission), 37
    // secret-modified (helm marking release records superseded), 19 secrets-read-by-sa-or-node
    // (kubelets watching one named secret each).
    const events = hkermaCsvToEvents(readFileSync(join(CORPUS, 'hkerma-kubernetes-event-dataset/audit-logs.csv'), 'utf8'));
    const alerts = detect(events.map((e) => JSON.stringify(e)), 'hkerma');
    expect(alerts.filter((a) => a.rule.id === 'unauthorized-request' || a.rule.id === 'secret-modified').map((a) => a.message)).toEqual([]);
    expect(alerts.filter((a) => a.rule.id === 'secrets-read-by-sa-or-node' && a.user.name.startsWith('system:node:')).map((a) => a.message)).toEqual([]);
  });

  it("hkerma helm storm: no secret-read alerts for a service account in its own namespace, only for cluster-wide lists and people", () => {
    // Before eq_field (macro sa_in_own_namespace): 429 secret-get, 75 secrets-list and 494
    // secrets-read-by-sa-or-node, of which 429, 57 and 486 were operators reading their own namespace's
    // secrets. Left: the 8 cluster-wide lists of kube-state-metrics, the Prometheus operator,
    // ingress-nginx and cert-manager (in both list rules) and kubernetes-admin's 10 lists.
    const events = hkermaCsvToEvents(readFileSync(join(CORPUS, 'hkerma-kubernetes-event-dataset/audit-logs.csv'), 'utf8'));
    const alerts = detect(events.map((e) => JSON.stringify(e)), 'hkerma');
    const secretReads = alerts.filter((a) => ['secret-get', 'secrets-list', 'secrets-read-by-sa-or-node'].includes(a.rule.id));
    const count = (id: string) => secretReads.filter((a) => a.rule.id === id).length;
    expect({ 'secret-get': count('secret-get'), 'secrets-list': count('secrets-list'), 'secrets-read-by-sa-or-node': count('secrets-read-by-sa-or-node') }).toEqual({
      'secret-get': 0,
      'secrets-list': 18,
      'secrets-read-by-sa-or-node': 8,
    });
    const ownNamespace = secretReads.filter((a) => {
      const sa = /^system:serviceaccount:([^:]+):/.exec(a.user.name);
      return sa !== null && sa[1] === a.kubernetes.audit.objectRef?.namespace;
    });
    expect(ownNamespace.map((a) => `${a.rule.id} ${a.user.name}`)).toEqual([]);
    const serviceAccounts = secretReads.filter((a) => a.user.name.startsWith('system:serviceaccount:'));
    expect(serviceAccounts.length).toBe(16);
    expect(serviceAccounts.filter((a) => (a.kubernetes.audit.objectRef?.namespace ?? '') !== '').map((a) => a.kubernetes.audit.requestURI)).toEqual([]);
    expect(new Set(secretReads.filter((a) => !serviceAccounts.includes(a)).map((a) => a.user.name))).toEqual(new Set(['kubernetes-admin']));
  });

  it('hkerma helm storm: at most 7, all from helm installing charts that ship RBAC with their workloads', () => {
    // Measured: 7 of 16,563 events (~60 chart installs and uninstalls in 4 minutes), all
    // rbac-change-then-workload for kubernetes-admin creating a chart's ClusterRole and then its
    // Deployment or DaemonSet. The rule's own exceptions (user agent Helm/*, group system:masters)
    // would silence them, but the flattened CSV kept neither the user agent nor the groups. Everything
    // else the storm does (635 secret reads, 425 deletes, 44 RBAC writes, operator secret churn) stays
    // low or quiet. The bound is the measurement: a new alarm here must be looked at, not absorbed.
    const events = hkermaCsvToEvents(readFileSync(join(CORPUS, 'hkerma-kubernetes-event-dataset/audit-logs.csv'), 'utf8'));
    expect(events.length).toBe(16_563);
    const alarms = detect(events.map((e) => JSON.stringify(e)), 'hkerma').filter(atLeastMedium);
    expect(alarms.length).toBeLessThanOrEqual(7);
    expect(new Set(alarms.map((a) => a.rule.id))).toEqual(new Set(['rbac-change-then-workload']));
    expect(new Set(alarms.map((a) => a.user.name))).toEqual(new Set(['kubernetes-admin']));
  });
});
