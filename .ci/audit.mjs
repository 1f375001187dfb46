// CI's dependency audit: `npm audit --omit=dev --json`, failing on any high or critical advisory
// for a production dependency unless .ci/audit-exceptions.json explains it. Each exception names
// the package and the advisory (its GHSA id or URL) and says why it does not apply or what waits
// on whom; an exception that no longer matches anything is reported so it gets removed.
// When the registry's advisory endpoint cannot be reached (some mirrors and sandboxes answer 405 or
// nothing), the audit did not run: that is printed as a warning, not hidden, and does not fail CI.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const exceptions = JSON.parse(readFileSync(new URL('./audit-exceptions.json', import.meta.url), 'utf8')).exceptions;
let out;
if (process.env.AUDIT_REPORT) out = readFileSync(process.env.AUDIT_REPORT, 'utf8'); // to check this script
else try {
  out = execFileSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  out = e.stdout; // npm audit exits 1 when it finds anything
}
let report;
try {
  report = JSON.parse(out);
} catch {
  console.log(`npm audit: WARNING: no report (output: ${String(out).slice(0, 200)}); dependencies NOT audited`);
  process.exit(0);
}
if (!report.vulnerabilities) {
  console.log(`npm audit: WARNING: the advisory endpoint could not be used (${report.message ?? report.error?.summary ?? 'no report'}); dependencies NOT audited in this run`);
  process.exit(0);
}
const serious = Object.values(report.vulnerabilities).filter((v) => v.severity === 'high' || v.severity === 'critical');
const advisories = (v) => v.via.filter((x) => typeof x === 'object').map((x) => x.url ?? x.source);
const unexplained = [];
const used = new Set();
for (const v of serious) {
  const ids = advisories(v);
  const ex = exceptions.find((e) => e.package === v.name && (ids.length === 0 || ids.some((id) => String(id).includes(e.advisory))));
  if (ex) {
    used.add(ex);
    console.log(`npm audit: ${v.severity} ${v.name} (${ids.join(', ') || 'via a dependency'}) excepted: ${ex.reason}`);
  } else unexplained.push(`${v.severity} ${v.name} ${v.range} (${ids.join(', ') || `via ${v.via.join(', ')}`})${v.fixAvailable ? ' — a fix is available: npm audit fix' : ''}`);
}
for (const e of exceptions) if (!used.has(e)) console.log(`npm audit: the exception for ${e.package} ${e.advisory} matches nothing any more: remove it from .ci/audit-exceptions.json`);
const counts = report.metadata?.vulnerabilities ?? {};
console.log(`npm audit (production dependencies): ${JSON.stringify(counts)}`);
if (unexplained.length) {
  console.error(`npm audit: ${unexplained.length} high/critical finding(s) without an explained exception:\n  ${unexplained.join('\n  ')}`);
  process.exit(1);
}
