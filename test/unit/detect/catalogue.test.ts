// The shipped catalogue (detectors/): every rule's own tests pass (`k8s-audit rules test`), and the
// catalogue covers the public rule sets it claims to (RULESETS.md; what is left out is in
// detectors/COVERAGE.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { runRuleTests } from '../../../src/detect/rule-tests.js';
import { parseTuning } from '../../../src/detect/tuning.js';
import { REPO_ROOT } from '../../helpers/events.js';

// Every rule, including those shipped switched off, as `rules test` does.
const catalogue = loadCatalogue({ tuning: parseTuning({ rules: { enable: ['*'] } }, 'catalogue test') });
const specs = catalogue.all.map((r) => r.spec);
const refs = (kind: 'falco' | 'elastic' | 'sigma') => new Set(specs.flatMap((s) => [s.references[kind] ?? []].flat()));

const RULESETS = readFileSync(join(REPO_ROOT, '../shared/docs/RULESETS.md'), 'utf8');
const section = (from: string, to: string) => RULESETS.slice(RULESETS.indexOf(from), RULESETS.indexOf(to));

/** §1's table; rows 22–39 are written as "K8s {A, B, …} {Created, Deleted}". */
function falcoRuleNames(): string[] {
  const names: string[] = [];
  for (const m of section('## 1.', '## 2.').matchAll(/^\| (\d+(?:–\d+)?) \| ([^|]+) \|/gm)) {
    const name = m[2]!.trim();
    const braces = /^K8s \{([^}]+)\} \{([^}]+)\}$/.exec(name);
    if (!braces) names.push(name);
    else for (const kind of braces[1]!.split(',')) for (const action of braces[2]!.split(',')) names.push(`K8s ${kind.trim()} ${action.trim()}`);
  }
  return names;
}

const elasticRuleNames = () => [...section('## 2.', 'Related rules outside').matchAll(/^\| \d+ \| ([^|]+) \|/gm)].map((m) => m[1]!.trim());
const sigmaRuleNames = () =>
  [...section('## 3.', 'Notes: Sigma').matchAll(/^\| ([^|]+) \|/gm)]
    .map((m) => m[1]!.replace(/\(experimental[^)]*\)/, '').trim())
    .filter((t) => t !== 'Title' && !/^-+$/.test(t));

describe('the detector catalogue', () => {
  it("passes every rule's own fire and quiet tests", () => {
    const report = runRuleTests(catalogue);
    expect(report.failures.map((f) => `${f.rule} tests.${f.kind}[${f.index}]: ${f.problem}`)).toEqual([]);
    expect(report.rules).toBe(catalogue.all.length);
    expect(report.cases).toBeGreaterThan(2 * report.rules);
  });

  it('gives every rule a test that must fire, unless it is quiet until configured', () => {
    // These depend on a list or macro the user defines; shipped, they cannot fire (as in Falco).
    const quietUntilConfigured = new Set(['pod-disallowed-image', 'image-no-digest', 'all-audit-events']);
    expect(specs.filter((s) => s.tests.fire.length === 0 && !quietUntilConfigured.has(s.id)).map((s) => s.id)).toEqual([]);
    expect(specs.filter((s) => s.tests.quiet.length === 0).map((s) => s.id)).toEqual([]);
  });

  it('references every one of the 48 Falco k8saudit rules by its current name, and nothing else', () => {
    const names = falcoRuleNames();
    expect(names).toHaveLength(48);
    const falco = refs('falco');
    expect(names.filter((n) => !falco.has(n))).toEqual([]);
    expect([...falco].filter((n) => !names.includes(n))).toEqual([]);
  });

  it('gives each Falco rule exactly one equivalent, so Falco conformance counts are exact', () => {
    const owners = new Map<string, string[]>();
    for (const s of specs) for (const n of [s.references.falco ?? []].flat()) owners.set(n, [...(owners.get(n) ?? []), s.id]);
    expect([...owners].filter(([, ids]) => ids.length > 1)).toEqual([]);
  });

  it('mirrors Falco: its INFO activity rules are low, and the rules Falco ships switched off are off', () => {
    for (const s of specs.filter((x) => [x.references.falco ?? []].flat().some((n) => /^K8s \w+ (Created|Deleted)$/.test(n)))) expect(s.severity, s.id).toBe('low');
    const off = catalogue.all.filter((r) => !r.spec.enabled).map((r) => [r.spec.references.falco].flat()[0]);
    expect(off).toEqual(
      expect.arrayContaining(['All K8s Audit Events', 'Full K8s Administrative Access', 'Untrusted Node Successfully Joined the Cluster', 'Untrusted Node Unsuccessfully Tried to Join the Cluster']),
    );
  });

  it('references every Elastic prebuilt Kubernetes rule by its exact name, and no other', () => {
    const names = elasticRuleNames();
    expect(names).toHaveLength(45);
    const elastic = refs('elastic');
    // Rules that read only audit events are all covered; the cross-platform and Defend-for-Containers
    // rules outside the folder are listed in detectors/COVERAGE.md with why they are left out.
    expect(names.filter((n) => !elastic.has(n))).toEqual([]);
    expect([...elastic].filter((n) => !names.includes(n))).toEqual([]);
    const coverage = readFileSync(join(REPO_ROOT, 'detectors/COVERAGE.md'), 'utf8');
    for (const leftOut of ['credential_access_multi_could_secrets_via_api', 'Defend for Containers', 'execution_common_debug_or_base_image_pod_creation']) expect(coverage).toContain(leftOut);
  });

  it('references every Sigma Kubernetes audit rule by its title', () => {
    const names = sigmaRuleNames();
    expect(names).toHaveLength(16);
    const sigma = refs('sigma');
    expect(names.filter((n) => !sigma.has(n))).toEqual([]);
    expect([...sigma].filter((n) => !names.includes(n))).toEqual([]);
  });

  it('describes every rule: ATT&CK techniques, tags and a family folder', () => {
    const families = new Set(['workload', 'rbac', 'access', 'deletion', 'tampering', 'image', 'mesh', 'activity', 'discovery']);
    for (const r of catalogue.all) {
      expect(families.has(r.file.split(/[\\/]/).at(-2)!), r.file).toBe(true);
      expect(r.spec.tags.length, r.spec.id).toBeGreaterThan(0);
      if (r.spec.tags.includes('activity') || r.spec.tags.includes('debug')) continue;
      expect(r.spec.mitre.length, r.spec.id).toBeGreaterThan(0);
    }
  });
});
