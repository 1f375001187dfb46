// Falco's own k8s_audit test suite (66 cases over 47 traces, from falcosecurity/falco test/), run
// through decode → enrich → detect with our catalogue standing in for Falco's k8saudit ruleset.
//
// A positive case passes when the alerts whose rule.references.falco names the expected rule (its
// current name) number exactly the expected count. A negative case passes when no alert names any
// Falco rule: the legacy harness demanded "Events detected: 0" with only Falco's rules loaded, and our
// rules without a Falco equivalent (image tags, exec content, …) are not part of that claim.
//
// Falco rule overlays become our tuning objects (parseTuning): list appends, macro overrides. Falco
// compares image repositories as written ("nginx"); our lists hold normalised repositories
// ("docker.io/library/nginx"), so overlay images are normalised with the enricher's parseImage.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/core/yaml.js';
import type { Alert } from '../../../src/core/alert.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { loadCatalogue, type Catalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { parseTuning } from '../../../src/detect/tuning.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { parseImage } from '../../../src/enrich/image.js';
import { CORPUS } from '../../helpers/events.js';

const FALCO = join(CORPUS, 'falcosecurity-falco');
const OVERLAYS = join(FALCO, 'test/rules/k8s_audit');

interface FalcoCase {
  falco_test: string;
  expect_alert: boolean;
  expected_rule_counts: Record<string, number>;
  extra_rule_overrides: string[];
  priority: string | null;
}
const labels = JSON.parse(readFileSync(join(FALCO, 'labels.json'), 'utf8')) as Record<string, FalcoCase[]>;

/** EXPECTED.md, "current name (Go port)": the ruleset renamed these after the tests were written. */
const CURRENT_NAME: Record<string, string> = {
  'K8s Role/Clusterrole Created': 'K8s ClusterRole Created',
  'K8s Role/Clusterrole Deleted': 'K8s ClusterRole Deleted',
  'K8s Role/Clusterrolebinding Created': 'K8s ClusterRoleBinding Created',
  'K8s Role/Clusterrolebinding Deleted': 'K8s ClusterRoleBinding Deleted',
};

/** Falco list names (old and current) → ours, and whether their items are image repositories. */
const LIST_NAMES: Record<string, { ours: string; images: boolean }> = {
  allowed_namespaces: { ours: 'allowed_namespaces', images: false },
  allowed_k8s_users: { ours: 'allowed_k8s_users', images: false },
  falco_privileged_images: { ours: 'privileged_images', images: true },
  k8s_audit_privileged_images: { ours: 'privileged_images', images: true },
  falco_sensitive_mount_images: { ours: 'sensitive_mount_images', images: true },
  k8s_audit_sensitive_mount_images: { ours: 'sensitive_mount_images', images: true },
  falco_hostnetwork_images: { ours: 'hostnetwork_images', images: true },
  k8s_audit_hostnetwork_images: { ours: 'hostnetwork_images', images: true },
};

/** The few Falco macro conditions the overlays use, as our conditions. */
function translateCondition(condition: string): unknown {
  const c = condition.trim().replace(/^\((.*)\)$/s, '$1').trim();
  if (c === 'not jevt.rawtime exists') return { not: {} };
  const m =
    /^ka\.req\.pod\.containers\.image\.repository in \(([^)]*)\)$/.exec(c) ??
    /^ka\.req\.container\.image\.repository\s*=\s*(\S+)$/.exec(c) ??
    /^ka\.req\.container\.image\s*=\s*(\S+)$/.exec(c);
  if (m) {
    const repos = m[1]!.split(',').map((s) => parseImage(s.trim()).repository);
    return { $pod: { exists: true }, '$pod.containers': { every: { 'imageRef.repository': repos } } };
  }
  throw new Error(`no translation for Falco condition "${condition}"`);
}

interface Translated {
  tuning: { lists: Record<string, { append: string[] }>; macros: Record<string, unknown> };
  /** A Falco overlay that is a ruleset of its own, not a tuning of the main one. */
  ruleset?: 'json_pointer';
}

function translateOverlays(names: string[]): Translated {
  const out: Translated = { tuning: { lists: {}, macros: {} } };
  for (const name of names) {
    // A standalone legacy ruleset (required_engine_version 2) with the same rules: ours stands in for it.
    if (name === 'engine_v4_k8s_audit_rules.yaml') continue;
    if (name === 'single_rule_with_json_pointer.yaml') {
      out.ruleset = 'json_pointer';
      continue;
    }
    // engine_v4/allow_*_container.yaml are the same overrides in the deprecated field syntax.
    const items = parseYaml(readFileSync(join(OVERLAYS, name), 'utf8')) as Record<string, unknown>[];
    for (const item of items) {
      if (typeof item.list === 'string') {
        const map = LIST_NAMES[item.list];
        if (!map) throw new Error(`${name}: no mapping for Falco list ${item.list}`);
        const values = (item.items as string[]).map((x) => (map.images ? parseImage(x).repository : x));
        (out.tuning.lists[map.ours] ??= { append: [] }).append.push(...values);
      } else if (typeof item.macro === 'string') {
        out.tuning.macros[item.macro] = translateCondition(String(item.condition));
      } else throw new Error(`${name}: unexpected overlay item ${JSON.stringify(item)}`);
    }
  }
  return out;
}

function jsonPointerCatalogue(): Catalogue {
  // single_rule_with_json_pointer.yaml: jevt.value[/annotations/authorization.k8s.io~1decision] exists
  // and not jevt.value[/a~1~0b] exists. Our bracket paths take keys with dots and slashes as written.
  const dir = mkdtempSync(join(tmpdir(), 'falco-json-pointer-'));
  writeFileSync(
    join(dir, 'rule.yaml'),
    `id: json-pointer-example
name: json_pointer_example
description: Falco's JSON-pointer escaping test, as a bracket-path test.
severity: medium
references: { falco: json_pointer_example }
match: { stage: any }
when:
  annotations[authorization.k8s.io/decision]: { exists: true }
  not: { "[a/~b]": { exists: true } }
`,
  );
  return loadCatalogue({ dir });
}

const catalogues = new Map<string, Catalogue>();
function catalogueFor(overlays: string[]): Catalogue {
  const key = overlays.join('+');
  let c = catalogues.get(key);
  if (c) return c;
  const t = translateOverlays(overlays);
  c = t.ruleset === 'json_pointer' ? jsonPointerCatalogue() : loadCatalogue({ tuning: parseTuning(t.tuning, `falco overlays ${key}`) });
  catalogues.set(key, c);
  return c;
}

function runTrace(file: string, catalogue: Catalogue) {
  const text = readFileSync(join(FALCO, 'k8s_audit', file), 'utf8');
  const records = text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => ({ text: line, origin: { source: file, line: i + 1 } }));
  const decoded = createDecoder({ defaultCluster: 'falco' }).decode(records);
  const alerts = createDetector(catalogue).detect(createEnricher({ redact: true })(decoded.events));
  return { alerts, rejected: decoded.rejected };
}

const falcoNames = (a: Alert): string[] => [a.rule.references.falco ?? []].flat();

const cases = Object.entries(labels).flatMap(([file, cs]) => cs.map((c) => ({ file, ...c })));

describe("Falco's k8s_audit test suite", () => {
  it('has the 66 cases EXPECTED.md lists', () => {
    expect(cases).toHaveLength(66);
    expect(cases.filter((c) => c.expect_alert)).toHaveLength(45);
  });

  it.each(cases)('$falco_test ($file, overlays: $extra_rule_overrides)', ({ file, falco_test, expect_alert, expected_rule_counts, extra_rule_overrides }) => {
    const { alerts, rejected } = runTrace(file, catalogueFor(extra_rule_overrides));
    if (falco_test === 'fal_01_003') {
      // A malformed trace: Falco reports "data not recognized as a k8s audit event" and alerts on nothing.
      expect(rejected.map((r) => r.reason).join('\n')).toContain('data not recognized as a k8s audit event');
      expect(alerts).toEqual([]);
      return;
    }
    expect(rejected).toEqual([]);
    if (!expect_alert) {
      expect(alerts.filter((a) => falcoNames(a).length > 0).map((a) => `${a.rule.id}: ${a.message}`)).toEqual([]);
      return;
    }
    for (const [legacy, count] of Object.entries(expected_rule_counts)) {
      const name = CURRENT_NAME[legacy] ?? legacy;
      const matching = alerts.filter((a) => falcoNames(a).includes(name));
      expect(matching.length, `${name}: got ${alerts.map((a) => a.rule.id).join(', ') || 'no alerts'}`).toBe(count);
    }
  });
});
