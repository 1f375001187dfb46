#!/usr/bin/env node
// Generates kibana/k8s-audit.ndjson: two data views (events, alerts), Lens visualizations, saved
// searches and five dashboards, in the saved-object format Kibana 9 imports
// (POST /api/saved_objects/_import, or `k8s-audit kibana import`). Objects carry the migration
// versions of Kibana's own sample data, so Kibana migrates them forward on import.
//   node kibana/generate.mjs            rewrite the file
//   node kibana/generate.mjs --check    exit 1 if the file is out of date (a test runs this)
// Every field used here must exist in src/sinks/elasticsearch/templates.ts with a type the
// operation can use; test/unit/kibana/saved-objects.test.ts checks that.
import { readFileSync, writeFileSync } from 'node:fs';

const EVENTS = 'k8s-audit-events';
const ALERTS = 'k8s-audit-alerts';
const CORE = '8.8.0';

// ---------------------------------------------------------------------------- queries (KQL)
const CHANGE_VERBS = 'event.action:(create or update or patch or delete or deletecollection)';
const SENSITIVE = [
  'secrets', 'configmaps', 'serviceaccounts', 'roles', 'clusterroles', 'rolebindings', 'clusterrolebindings',
  'mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'customresourcedefinitions',
  'daemonsets', 'certificatesigningrequests', 'namespaces', 'nodes', 'persistentvolumes', 'networkpolicies',
];
const SENSITIVE_CHANGES = `${CHANGE_VERBS} and orchestrator.resource.type:(${SENSITIVE.join(' or ')})`;
const RBAC = 'orchestrator.resource.type:(roles or clusterroles or rolebindings or clusterrolebindings)';
const RBAC_CHANGES = `${RBAC} and event.action:(create or update or patch or delete or deletecollection or escalate or bind)`;
const PRIVILEGED_PODS = [
  'kubernetes.audit.requestObject.spec.containers.securityContext.privileged:true',
  'kubernetes.audit.requestObject.spec.initContainers.securityContext.privileged:true',
  'kubernetes.audit.requestObject.spec.hostNetwork:true', 'kubernetes.audit.requestObject.spec.hostPID:true',
  'kubernetes.audit.requestObject.spec.hostIPC:true', 'kubernetes.audit.requestObject.spec.volumes.hostPath.path:*',
].join(' or ');
const WORKLOAD_WRITES = 'event.action:(create or update or patch) and orchestrator.resource.type:(pods or deployments or daemonsets or statefulsets or replicasets or jobs or cronjobs)';
const INTO_PODS = 'orchestrator.resource.type:pods and orchestrator.resource.subresource:(exec or attach or portforward or ephemeralcontainers)';
const DELETIONS = 'event.action:(delete or deletecollection)';
const DENIED = 'kubernetes.audit.responseStatus.code:(401 or 403)';
const ANONYMOUS = 'user.name:"system:anonymous" or k8s_audit.actor.kind:anonymous';
const STAGE = 'kubernetes.audit.stage:ResponseComplete';
/** One row per request: the ResponseComplete stage (RequestReceived would double every count). */
const q = (kql) => (kql ? `${STAGE} and (${kql})` : STAGE);

// ---------------------------------------------------------------------------- Lens columns
const TYPES = { 'source.ip': 'ip', 'kubernetes.audit.responseStatus.code': 'number', 'alert.count': 'number', 'k8s_audit.impersonated': 'boolean' };
const dataType = (field) => TYPES[field] ?? 'string';
const count = (label = 'Requests') => ({ label, dataType: 'number', operationType: 'count', sourceField: '___records___', isBucketed: false, scale: 'ratio', params: { emptyAsNull: true }, customLabel: true });
const sum = (field, label) => ({ label, dataType: 'number', operationType: 'sum', sourceField: field, isBucketed: false, scale: 'ratio', params: { emptyAsNull: true }, customLabel: true });
const lastSeen = () => ({ label: 'Last seen', dataType: 'date', operationType: 'max', sourceField: '@timestamp', isBucketed: false, scale: 'ratio', params: { emptyAsNull: true }, customLabel: true });
const time = () => ({ label: '@timestamp', dataType: 'date', operationType: 'date_histogram', sourceField: '@timestamp', isBucketed: true, scale: 'interval', params: { interval: 'auto', includeEmptyRows: true, dropPartials: false } });
const terms = (field, label, size, orderBy) => ({
  label, dataType: dataType(field), operationType: 'terms', sourceField: field, isBucketed: true, scale: 'ordinal', customLabel: true,
  params: { size, orderBy: { type: 'column', columnId: orderBy }, orderDirection: 'desc', otherBucket: size > 5, missingBucket: false, parentFormat: { id: 'terms' }, include: [], exclude: [], includeIsRegex: false, excludeIsRegex: false },
});

function lens(id, title, description, dataView, visualizationType, columns, visualization, kql) {
  const layerId = 'layer1';
  return {
    type: 'lens', id, coreMigrationVersion: CORE, typeMigrationVersion: '8.9.0', managed: false,
    attributes: {
      title, description, visualizationType,
      state: {
        datasourceStates: { formBased: { layers: { [layerId]: { columns, columnOrder: Object.keys(columns), incompleteColumns: {} } } } },
        visualization: visualization(layerId),
        query: { language: 'kuery', query: kql },
        filters: [], internalReferences: [], adHocDataViews: {},
      },
    },
    references: [{ type: 'index-pattern', id: dataView, name: `indexpattern-datasource-layer-${layerId}` }],
  };
}

const xyVis = (seriesType, x, ys, split) => (layerId) => ({
  legend: { isVisible: true, position: 'right' }, valueLabels: 'hide', fittingFunction: 'None', preferredSeriesType: seriesType,
  axisTitlesVisibilitySettings: { x: false, yLeft: true, yRight: true },
  layers: [{ layerId, layerType: 'data', seriesType, xAccessor: x, accessors: ys, ...(split ? { splitAccessor: split } : {}), position: 'top', showGridlines: false }],
});

/** Requests over time, split by a field. */
function timeline(id, title, description, dataView, kql, split, size = 10, seriesType = 'bar_stacked', metricLabel = 'Requests') {
  const columns = { x: time(), y: count(metricLabel), ...(split ? { b: terms(split[0], split[1], size, 'y') } : {}) };
  return lens(id, title, description, dataView, 'lnsXY', columns, xyVis(seriesType, 'x', ['y'], split ? 'b' : undefined), kql);
}

/** Top values of one field, as horizontal bars, split by another. */
function topBars(id, title, description, dataView, kql, field, split, size = 15, metricLabel = 'Requests') {
  const columns = { x: terms(field[0], field[1], size, 'y'), y: count(metricLabel), ...(split ? { b: terms(split[0], split[1], 8, 'y') } : {}) };
  return lens(id, title, description, dataView, 'lnsXY', columns, xyVis('bar_horizontal_stacked', 'x', ['y'], split ? 'b' : undefined), kql);
}

/** A who-did-what table: one row per distinct combination of the fields, with a count and the last time. */
function table(id, title, description, dataView, kql, fields, size = 20, metricLabel = 'Requests') {
  const columns = {};
  fields.forEach(([field, label], i) => (columns[`r${i}`] = terms(field, label, i === 0 ? Math.max(size, 50) : size, 'n')));
  columns.n = count(metricLabel);
  columns.t = lastSeen();
  return lens(id, title, description, dataView, 'lnsDatatable', columns, (layerId) => ({
    layerId, layerType: 'data', columns: Object.keys(columns).map((columnId) => ({ columnId })),
    sorting: { columnId: 't', direction: 'desc' }, paging: { enabled: true, size: 20 },
  }), kql);
}

function donut(id, title, description, dataView, kql, field, metricLabel) {
  const columns = { g: terms(field[0], field[1], 8, 'm'), m: count(metricLabel) };
  return lens(id, title, description, dataView, 'lnsPie', columns, (layerId) => ({
    shape: 'donut', layers: [{ layerId, layerType: 'data', primaryGroups: ['g'], metrics: ['m'], numberDisplay: 'value', categoryDisplay: 'default', legendDisplay: 'default', nestedLegend: false }],
  }), kql);
}

function metric(id, title, description, dataView, kql, label, column = count(label)) {
  return lens(id, title, description, dataView, 'lnsMetric', { m: column }, (layerId) => ({ layerId, layerType: 'data', metricAccessor: 'm' }), kql);
}

function search(id, title, description, dataView, kql, columns) {
  return {
    type: 'search', id, coreMigrationVersion: CORE, typeMigrationVersion: '8.0.0', managed: false,
    attributes: {
      title, description, columns, sort: [['@timestamp', 'desc']], hits: 0, grid: {}, hideChart: false, isTextBasedQuery: false,
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { language: 'kuery', query: kql }, filter: [], indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index' }) },
    },
    references: [{ type: 'index-pattern', id: dataView, name: 'kibanaSavedObjectMeta.searchSourceJSON.index' }],
  };
}

function dataView(id, pattern, name, fieldFormatMap = {}) {
  return {
    type: 'index-pattern', id, coreMigrationVersion: CORE, typeMigrationVersion: '8.0.0', managed: false,
    attributes: { title: pattern, name, timeFieldName: '@timestamp', allowNoIndex: true, fields: '[]', fieldAttrs: '{}', fieldFormatMap: JSON.stringify(fieldFormatMap), runtimeFieldMap: '{}', sourceFilters: '[]', typeMeta: '{}' },
    references: [],
  };
}

/** Panels are [object, x, y, w, h] on Kibana's 48-column grid. */
function dashboard(id, title, description, panels) {
  const panelsJSON = panels.map(([o, x, y, w, h], i) => ({
    version: '8.11.0', type: o.type, panelIndex: `p${i + 1}`, gridData: { x, y, w, h, i: `p${i + 1}` },
    embeddableConfig: { enhancements: {} }, panelRefName: `panel_p${i + 1}`,
  }));
  return {
    type: 'dashboard', id, coreMigrationVersion: CORE, typeMigrationVersion: '8.7.0', managed: false,
    attributes: {
      title, description, timeRestore: true, timeFrom: 'now-24h', timeTo: 'now', refreshInterval: { pause: true, value: 60000 }, version: 1,
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: true, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
      panelsJSON: JSON.stringify(panelsJSON),
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { language: 'kuery', query: '' }, filter: [] }) },
    },
    references: panels.map(([o], i) => ({ name: `p${i + 1}:panel_p${i + 1}`, type: o.type, id: o.id })),
  };
}

// ---------------------------------------------------------------------------- the objects
const V = (id) => `k8s-audit-${id}`;
const who = {
  actors: timeline(V('actors-over-time'), 'Actors over time', 'Requests per actor (top 10) over time.', EVENTS, q(''), ['user.name', 'Actor']),
  kinds: donut(V('actor-kinds'), 'Who acts: people, service accounts, nodes, system', 'Requests by kind of actor (k8s_audit.actor.kind).', EVENTS, q(''), ['k8s_audit.actor.kind', 'Actor kind'], 'Requests'),
  byVerb: topBars(V('top-actors-by-verb'), 'Top actors by verb', 'The busiest actors and what they did.', EVENTS, q(''), ['user.name', 'Actor'], ['event.action', 'Verb']),
  sensitive: timeline(V('sensitive-changes'), 'Changes to sensitive resources', 'Create, update, patch and delete of secrets, RBAC, webhooks, CRDs, daemonsets, nodes, … by resource type.', EVENTS, q(SENSITIVE_CHANGES), ['orchestrator.resource.type', 'Resource'], 10),
  changes: table(V('changes-table'), 'Who changed what', 'Every create, update, patch and delete: who, what, where from, and whether it worked.', EVENTS, q(CHANGE_VERBS), [
    ['user.name', 'User'], ['event.action', 'Verb'], ['orchestrator.resource.type', 'Resource'], ['orchestrator.namespace', 'Namespace'], ['orchestrator.resource.name', 'Name'], ['source.ip', 'Source IP'], ['event.outcome', 'Outcome'],
  ]),
  changeLog: search(V('changes-log'), 'Change log', 'Create, update, patch and delete requests, newest first, each as a sentence.', EVENTS, q(CHANGE_VERBS), ['message', 'user.name', 'event.action', 'orchestrator.resource.type', 'orchestrator.namespace', 'orchestrator.resource.name', 'source.ip', 'event.outcome', 'orchestrator.cluster.name']),
};
const rbac = {
  timeline: timeline(V('rbac-changes'), 'RBAC changes over time', 'Roles, cluster roles and their bindings created, changed or deleted.', EVENTS, q(RBAC_CHANGES), ['orchestrator.resource.type', 'Resource'], 4),
  bindings: table(V('rbac-bindings'), 'Role bindings: who granted which role', 'Bindings created or changed, with the role they bind.', EVENTS, q(`orchestrator.resource.type:(rolebindings or clusterrolebindings) and ${CHANGE_VERBS}`), [
    ['user.name', 'User'], ['user.effective.name', 'Acting as'], ['event.action', 'Verb'], ['orchestrator.resource.type', 'Resource'], ['orchestrator.resource.name', 'Binding'], ['kubernetes.audit.requestObject.roleRef.name', 'Role'], ['event.outcome', 'Outcome'],
  ]),
  privileged: table(V('privileged-workloads'), 'Privileged or host-access workloads', 'Pods and workloads written with privileged containers, host namespaces or hostPath volumes.', EVENTS, q(`(${WORKLOAD_WRITES}) and (${PRIVILEGED_PODS})`), [
    ['user.name', 'User'], ['event.action', 'Verb'], ['orchestrator.resource.type', 'Resource'], ['orchestrator.namespace', 'Namespace'], ['orchestrator.resource.name', 'Name'], ['kubernetes.audit.requestObject.spec.containers.image', 'Image'],
  ]),
  impersonation: table(V('impersonation'), 'Impersonation', 'Requests made as someone else: who, as whom, what.', EVENTS, q('k8s_audit.impersonated:true'), [
    ['user.name', 'User'], ['user.effective.name', 'As'], ['event.action', 'Verb'], ['orchestrator.resource.type', 'Resource'], ['orchestrator.resource.name', 'Name'],
  ]),
  exec: table(V('exec-attach'), 'Exec, attach and port-forward into pods', 'Interactive access to running containers.', EVENTS, q(INTO_PODS), [
    ['user.name', 'User'], ['orchestrator.resource.subresource', 'How'], ['orchestrator.namespace', 'Namespace'], ['orchestrator.resource.name', 'Pod'], ['source.ip', 'Source IP'],
  ]),
};
const del = {
  count: metric(V('deletions-count'), 'Deletions', 'Delete and deletecollection requests.', EVENTS, q(DELETIONS), 'Deletions'),
  secrets: metric(V('secret-deletions-count'), 'Secrets deleted', 'Delete requests on secrets.', EVENTS, q(`${DELETIONS} and orchestrator.resource.type:secrets`), 'Secrets deleted'),
  timeline: timeline(V('deletions-over-time'), 'Deletions over time', 'By resource type.', EVENTS, q(DELETIONS), ['orchestrator.resource.type', 'Resource'], 10, 'bar_stacked', 'Deletions'),
  who: topBars(V('top-deleters'), 'Who deletes', 'Actors by number of deletions, by resource type.', EVENTS, q(DELETIONS), ['user.name', 'Actor'], ['orchestrator.resource.type', 'Resource'], 15, 'Deletions'),
  table: table(V('deletions-table'), 'What was deleted, by whom', 'Every deletion with its outcome.', EVENTS, q(DELETIONS), [
    ['user.name', 'User'], ['orchestrator.resource.type', 'Resource'], ['orchestrator.namespace', 'Namespace'], ['orchestrator.resource.name', 'Name'], ['source.ip', 'Source IP'], ['event.outcome', 'Outcome'],
  ], 20, 'Deletions'),
};
const denied = {
  timeline: timeline(V('denied-over-time'), 'Denied requests over time', '401 and 403 answers, by actor.', EVENTS, q(DENIED), ['user.name', 'Actor'], 10, 'bar_stacked', 'Denied'),
  codes: donut(V('denied-codes'), 'Unauthenticated or forbidden', '401 (who are you?) against 403 (not allowed).', EVENTS, q(DENIED), ['kubernetes.audit.responseStatus.code', 'HTTP status'], 'Denied'),
  table: table(V('denied-table'), 'Who was refused what', 'Denied requests by actor, source and target: probing shows up here first.', EVENTS, q(DENIED), [
    ['user.name', 'User'], ['source.ip', 'Source IP'], ['event.action', 'Verb'], ['orchestrator.resource.type', 'Resource'], ['orchestrator.namespace', 'Namespace'], ['kubernetes.audit.responseStatus.code', 'Status'],
  ], 20, 'Denied'),
  anonymous: table(V('anonymous-table'), 'Anonymous requests', 'Requests by system:anonymous: where from, what, and what the API server answered.', EVENTS, q(ANONYMOUS), [
    ['source.ip', 'Source IP'], ['kubernetes.audit.requestURI', 'Request URI'], ['event.action', 'Verb'], ['kubernetes.audit.responseStatus.code', 'Status'], ['user_agent.original', 'User agent'],
  ]),
  sources: topBars(V('denied-sources'), 'Denied requests by source IP', 'Where refused requests come from.', EVENTS, q(`(${DENIED}) or ${ANONYMOUS}`), ['source.ip', 'Source IP'], ['user.name', 'Actor'], 15, 'Requests'),
};
const alerts = {
  critical: metric(V('alerts-critical'), 'Critical and high alerts', 'Alerts at severity high or critical, bursts counted once per alert.', ALERTS, 'rule.severity:(critical or high)', 'Critical and high'),
  events: metric(V('alerts-events'), 'Requests behind the alerts', 'The sum of alert.count: every request that raised an alert.', ALERTS, '', 'Requests', sum('alert.count', 'Requests behind the alerts')),
  severity: donut(V('alerts-by-severity'), 'Alerts by severity', '', ALERTS, '', ['rule.severity', 'Severity'], 'Alerts'),
  rules: topBars(V('alerts-by-rule'), 'Alerts by rule', 'Which rules fire, and how severe.', ALERTS, '', ['rule.name', 'Rule'], ['rule.severity', 'Severity'], 20, 'Alerts'),
  timeline: timeline(V('alerts-timeline'), 'Alert timeline', 'Alerts over time by severity.', ALERTS, '', ['rule.severity', 'Severity'], 4, 'bar_stacked', 'Alerts'),
  actors: table(V('alerts-by-actor'), 'Alerted actors', 'Who raised alerts, under which rules.', ALERTS, '', [['user.name', 'User'], ['rule.name', 'Rule'], ['rule.severity', 'Severity'], ['orchestrator.cluster.name', 'Cluster']], 20, 'Alerts'),
  latest: search(V('latest-alerts'), 'Latest alerts', 'Newest first; open the events of an alert from its Discover link.', ALERTS, '', ['rule.severity', 'rule.name', 'message', 'alert.count', 'user.name', 'orchestrator.cluster.name', 'k8s_audit.discover_url']),
};

const objects = [
  dataView(EVENTS, 'k8s-audit-events-*', 'Kubernetes audit events'),
  dataView(ALERTS, 'k8s-audit-alerts-*', 'Kubernetes audit alerts', { 'k8s_audit.discover_url': { id: 'url', params: { type: 'a', urlTemplate: null, labelTemplate: 'Open the events' } } }),
  ...Object.values(who), ...Object.values(rbac), ...Object.values(del), ...Object.values(denied), ...Object.values(alerts),
  dashboard(V('dashboard-who-did-what'), 'Kubernetes audit: Who did what', 'Actors over time, what they did, changes to sensitive resources, and a who-changed-what table.', [
    [who.actors, 0, 0, 32, 12], [who.kinds, 32, 0, 16, 12], [who.byVerb, 0, 12, 24, 15], [who.sensitive, 24, 12, 24, 15], [who.changes, 0, 27, 48, 16], [who.changeLog, 0, 43, 48, 16],
  ]),
  dashboard(V('dashboard-privileged-rbac'), 'Kubernetes audit: Privileged changes and RBAC', 'RBAC changes, role bindings, privileged workloads, impersonation and exec into pods.', [
    [rbac.timeline, 0, 0, 48, 10], [rbac.bindings, 0, 10, 48, 14], [rbac.privileged, 0, 24, 48, 14], [rbac.impersonation, 0, 38, 24, 14], [rbac.exec, 24, 38, 24, 14],
  ]),
  dashboard(V('dashboard-deletions'), 'Kubernetes audit: Deletions', 'What was deleted, by whom, when.', [
    [del.count, 0, 0, 12, 8], [del.secrets, 0, 8, 12, 8], [del.timeline, 12, 0, 36, 16], [del.who, 0, 16, 20, 16], [del.table, 20, 16, 28, 16],
  ]),
  dashboard(V('dashboard-access-denied'), 'Kubernetes audit: Access denied and anonymous', 'Refused and anonymous requests: probing, stolen or expired credentials, misconfigured clients.', [
    [denied.timeline, 0, 0, 32, 12], [denied.codes, 32, 0, 16, 12], [denied.table, 0, 12, 48, 14], [denied.anonymous, 0, 26, 28, 14], [denied.sources, 28, 26, 20, 14],
  ]),
  dashboard(V('dashboard-alerts'), 'Kubernetes audit: Alerts', 'Alerts by rule and severity, their timeline, and the latest ones with links to their events.', [
    [alerts.critical, 0, 0, 12, 8], [alerts.events, 0, 8, 12, 8], [alerts.severity, 12, 0, 12, 16], [alerts.timeline, 24, 0, 24, 16], [alerts.rules, 0, 16, 24, 16], [alerts.actors, 24, 16, 24, 16], [alerts.latest, 0, 32, 48, 18],
  ]),
];

const out = new URL('./k8s-audit.ndjson', import.meta.url);
const text = `${objects.map((o) => JSON.stringify(o)).join('\n')}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    /* missing: out of date */
  }
  if (current !== text) {
    process.stderr.write('kibana/k8s-audit.ndjson is out of date: run `node kibana/generate.mjs`\n');
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  process.stdout.write(`wrote ${objects.length} saved objects to kibana/k8s-audit.ndjson\n`);
}
