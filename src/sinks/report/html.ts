// The report page: one self-contained HTML file. Tables are rendered here; charts are drawn in the
// page by Chart.js (inlined by report.ts) from the data embedded as JSON. Every string from the
// store is escaped: audit events are attacker-influenced (user agents, object names, URIs).
import type { Severity } from '../../core/alert.js';
import type { ReportAlert, ReportData } from './queries.js';

export const SEVERITY_COLOURS: Record<Severity, string> = { critical: '#a50e0e', high: '#e4572e', medium: '#e8a200', low: '#4a7bd0' };

export const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside <script>: `<` escaped so no string can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const num = (n: number) => n.toLocaleString('en-US');
const time = (ts: string | null) => (ts ? esc(ts.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1Z')) : '');

function evidence(e: Record<string, unknown>): string {
  const items = Object.entries(e);
  if (!items.length) return '';
  return `<dl class="evidence">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`).join('')}</dl>`;
}

function alertRow(a: ReportAlert): string {
  return `<tr class="alert sev-${esc(a.severity)}" data-rule="${esc(a.rule)}" data-severity="${esc(a.severity)}">
<td class="nowrap">${time(a.ts)}</td><td><span class="badge ${esc(a.severity)}">${esc(a.severity)}</span></td>
<td><b>${esc(a.ruleName)}</b><br><code>${esc(a.rule)}</code>${a.mitre.length ? `<br><small>${a.mitre.map(esc).join(' ')}</small>` : ''}</td>
<td>${esc(a.message)}${a.count > 1 ? ` <b>(×${num(a.count)})</b>` : ''}${evidence(a.evidence)}</td></tr>`;
}

const table = (head: string[], rows: string[], cls = '') => `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;

export function renderHtml(d: ReportData, chartJs: string): string {
  const sev = (['critical', 'high', 'medium', 'low'] as const).map((s) => `<div class="card ${s}"><div class="n">${num(d.alertsBySeverity[s])}</div><div>${s}</div></div>`).join('');
  const charts = {
    timeline: { labels: d.timeline.buckets, byKind: d.timeline.byKind, alerts: d.timeline.alerts, bucketSeconds: d.timeline.bucketSeconds },
    severity: { labels: ['critical', 'high', 'medium', 'low'], values: (['critical', 'high', 'medium', 'low'] as const).map((s) => d.alertsBySeverity[s]) },
    rules: d.alertsByRule.slice(0, 20),
    actors: d.topActors.slice(0, 12),
    colours: SEVERITY_COLOURS,
  };
  const sensitive = d.sensitive.map((s) => `<section class="resource" data-resource="${esc(s.resource)}"><h3>${esc(s.title)} <small>${num(s.total)} request${s.total === 1 ? '' : 's'}${s.total > s.rows.length ? `, the last ${s.rows.length} shown` : ''}</small></h3>
${table(['time', 'who', 'what', 'from', 'result'], s.rows.map((r) => `<tr><td class="nowrap">${time(r.ts)}</td><td>${esc(r.user)}${r.effective_user ? `<br><small>as ${esc(r.effective_user)}</small>` : ''}</td><td>${esc(r.message ?? r.verb)}</td><td>${esc(r.source_ip)}</td><td class="${r.code !== null && r.code >= 400 ? 'bad' : ''}">${esc(r.code)}</td></tr>`))}</section>`).join('\n');
  const rejected = d.rejected.total
    ? `${table(['reason', 'records'], d.rejected.byReason.map((r) => `<tr><td>${esc(r.reason)}</td><td>${num(r.count)}</td></tr>`))}
${table(['source', 'records'], d.rejected.bySource.map((r) => `<tr><td>${esc(r.source)}</td><td>${num(r.count)}</td></tr>`))}
<h3>First examples</h3>${table(['where', 'reason', 'input'], d.rejected.examples.map((r) => `<tr><td class="nowrap">${esc(r.where)}</td><td>${esc(r.reason)}</td><td><code>${esc(r.text)}</code></td></tr>`), 'examples')}`
    : '<p>No input was rejected.</p>';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Kubernetes audit report: ${time(d.range.from)} – ${time(d.range.to)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#c5cad3}
main{padding:8px 28px 40px;max-width:1400px}section{background:#fff;border-radius:8px;padding:14px 18px;margin:16px 0;box-shadow:0 1px 2px #0001}
h2{margin:0 0 10px;font-size:18px}h3{font-size:15px;margin:18px 0 6px}h3 small{font-weight:normal;color:#667}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:120px;border-radius:8px;padding:10px 14px;background:#eef1f5}.card .n{font-size:26px;font-weight:700}
.card.critical{background:#a50e0e;color:#fff}.card.high{background:#e4572e;color:#fff}.card.medium{background:#e8a200;color:#fff}.card.low{background:#4a7bd0;color:#fff}
.grid{display:grid;grid-template-columns:1fr 2fr;gap:16px}.chart{position:relative;height:320px}.chart.tall{height:420px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e8ec;vertical-align:top}th{background:#f0f2f5}
.nowrap{white-space:nowrap}.bad{color:#a50e0e;font-weight:600}code{font-size:12px;word-break:break-all}
.badge{display:inline-block;border-radius:4px;padding:1px 6px;color:#fff;font-size:12px;text-transform:uppercase}
.badge.critical{background:#a50e0e}.badge.high{background:#e4572e}.badge.medium{background:#e8a200}.badge.low{background:#4a7bd0}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:6px 0 0;font-size:12px;color:#445}dl.evidence dt{font-family:monospace}dl.evidence dd{margin:0;word-break:break-all}
.filters label{margin-right:12px}
</style></head>
<body>
<header><h1>Kubernetes audit report</h1>
<p>${time(d.range.from)} – ${time(d.range.to)} · cluster${d.totals.clusters.length === 1 ? '' : 's'} ${d.totals.clusters.map(esc).join(', ') || '—'} · ${esc(d.store)} · generated ${time(d.generatedAt)} by k8s-audit</p></header>
<main>
<section id="summary"><h2>Summary</h2><div class="cards">
<div class="card"><div class="n">${num(d.totals.requests)}</div><div>requests (${num(d.totals.events)} events)</div></div>
<div class="card"><div class="n">${num(d.totals.actors)}</div><div>actors</div></div>
<div class="card"><div class="n">${num(d.totals.alerts)}</div><div>alerts</div></div>${sev}
<div class="card"><div class="n">${num(d.totals.rejected)}</div><div>rejected inputs</div></div></div></section>

<section id="activity"><h2>Activity</h2><p>Requests per ${esc(d.timeline.bucketSeconds >= 60 ? `${d.timeline.bucketSeconds / 60} min` : `${d.timeline.bucketSeconds} s`)} by kind of actor, with alerts raised.</p>
<div class="chart"><canvas id="chart-timeline" role="img" aria-label="activity timeline"></canvas></div></section>

<section id="alerts-charts"><h2>Alerts by severity and rule</h2><div class="grid">
<div class="chart"><canvas id="chart-severity" role="img" aria-label="alerts by severity"></canvas></div>
<div class="chart tall"><canvas id="chart-rules" role="img" aria-label="alerts by rule"></canvas></div></div></section>

<section id="alerts"><h2>Alerts <small>${d.alertsShown < d.totals.alerts ? `the ${num(d.alertsShown)} most severe of ${num(d.totals.alerts)}` : ''}</small></h2>
<p class="filters">Show: ${(['critical', 'high', 'medium', 'low'] as const).map((s) => `<label><input type="checkbox" data-filter="${s}" checked> ${s}</label>`).join('')}</p>
${table(['time', 'severity', 'rule', 'what happened, and the evidence'], d.alerts.map(alertRow), 'alerts')}</section>

<section id="actors"><h2>Top actors</h2><div class="chart"><canvas id="chart-actors" role="img" aria-label="top actors"></canvas></div>
${table(['actor', 'kind', 'requests', 'changes', 'denied', 'alerts'], d.topActors.map((a) => `<tr><td>${esc(a.user)}</td><td>${esc(a.kind)}</td><td>${num(a.requests)}</td><td>${num(a.changes)}</td><td>${num(a.denied)}</td><td>${num(a.alerts)}</td></tr>`))}</section>

<section id="sensitive"><h2>Who did what to sensitive resources</h2><p>Every change to these resources, every exec into a pod, and every read of a secret by a person.</p>
${sensitive || '<p>No changes to sensitive resources.</p>'}</section>

<section id="rejected"><h2>Rejected input <small>${num(d.rejected.total)} record${d.rejected.total === 1 ? '' : 's'}</small></h2>${rejected}</section>
</main>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="report-data">${scriptJson(charts)}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var kinds = { human: '#4a7bd0', service_account: '#7fb77e', node: '#b0b7c3', system_component: '#8e8ec9', anonymous: '#e4572e', unknown: '#ccc' };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var made = [];
  var fmt = function (iso) { return iso.slice(11, d.timeline.bucketSeconds < 60 ? 19 : 16) ; };
  var sets = Object.keys(d.timeline.byKind).map(function (k) { return { type: 'bar', label: k, data: d.timeline.byKind[k], backgroundColor: kinds[k] || '#999', stack: 'requests', yAxisID: 'y' }; });
  sets.push({ type: 'line', label: 'alerts', data: d.timeline.alerts, borderColor: d.colours.critical, backgroundColor: d.colours.critical, yAxisID: 'y2', pointRadius: 2, tension: 0 });
  made.push(new Chart(document.getElementById('chart-timeline'), { data: { labels: d.timeline.labels.map(fmt), datasets: sets }, options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'requests' } }, y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'alerts' } } } } }));
  made.push(new Chart(document.getElementById('chart-severity'), { type: 'doughnut', data: { labels: d.severity.labels, datasets: [{ data: d.severity.values, backgroundColor: d.severity.labels.map(function (s) { return d.colours[s]; }) }] }, options: { maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } } }));
  made.push(new Chart(document.getElementById('chart-rules'), { type: 'bar', data: { labels: d.rules.map(function (r) { return r.rule; }), datasets: [{ label: 'alerts', data: d.rules.map(function (r) { return r.count; }), backgroundColor: d.rules.map(function (r) { return d.colours[r.severity]; }) }] }, options: { indexAxis: 'y', maintainAspectRatio: false, plugins: { legend: { display: false } } } }));
  made.push(new Chart(document.getElementById('chart-actors'), { type: 'bar', data: { labels: d.actors.map(function (a) { return a.user; }), datasets: [{ label: 'requests', data: d.actors.map(function (a) { return a.requests; }), backgroundColor: '#4a7bd0' }, { label: 'changes', data: d.actors.map(function (a) { return a.changes; }), backgroundColor: '#e8a200' }, { label: 'denied', data: d.actors.map(function (a) { return a.denied; }), backgroundColor: '#a50e0e' }] }, options: { indexAxis: 'y', maintainAspectRatio: false } }));
  document.querySelectorAll('input[data-filter]').forEach(function (box) {
    box.addEventListener('change', function () {
      document.querySelectorAll('tr.alert[data-severity="' + box.dataset.filter + '"]').forEach(function (tr) { tr.style.display = box.checked ? '' : 'none'; });
    });
  });
  window.__reportCharts = made.length;
})();
</script>
</body></html>
`;
}
