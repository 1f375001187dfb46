import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { runRuleTests } from '../../../src/detect/rule-tests.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { auditEvent, raw } from '../../helpers/events.js';

const decoder = createDecoder({ defaultCluster: 'c' });
const enrich = createEnricher({ redact: true });

function catalogueOf(rules: string) {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-seq-'));
  writeFileSync(join(dir, 'rules.yaml'), rules);
  return loadCatalogue({ dir });
}

const GRANT_THEN_USE = `
rules:
  - id: grant-then-use
    name: Grant then use
    description: d
    severity: medium
    when: { user.username: { not: { prefix: "system:" } } }
    sequence:
      by: [user.username]
      within: 5m
      steps:
        - name: grant
          match: { verb: create, resource: rolebindings }
        - name: use
          match: { verb: [create, patch], resource: daemonsets }
          when: { objectRef.namespace: shop }
    tests:
      fire:
        - { verb: create, objectRef: { resource: rolebindings, namespace: shop, name: b } }
        - { verb: create, objectRef: { resource: daemonsets, namespace: shop, name: d } }
      quiet:
        - { verb: create, objectRef: { resource: daemonsets, namespace: shop, name: d } }
        - { verb: create, objectRef: { resource: rolebindings, namespace: shop, name: b } }
`;

const at = (m: number, s: number) => `2026-11-20T09:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.000000Z`;
const grant = (t: string, user = 'alice@example.com') => auditEvent({ verb: 'create', user: { username: user }, objectRef: { resource: 'rolebindings', namespace: 'shop', name: 'b' }, stageTimestamp: t });
const use = (t: string, user = 'alice@example.com', namespace = 'shop') => auditEvent({ verb: 'create', user: { username: user }, objectRef: { resource: 'daemonsets', namespace, name: 'd', apiGroup: 'apps' }, stageTimestamp: t });
const run = (events: Record<string, unknown>[]) => createDetector(catalogueOf(GRANT_THEN_USE)).detect(enrich(decoder.decode(events.map((e) => raw(e))).events));

describe('sequence rules', () => {
  it('fire when the steps happen in order within the window, with every step in related', () => {
    const g = grant(at(0, 0));
    const u = use(at(4, 59));
    const alerts = run([g, u]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.related!.audit_ids).toEqual([g.auditID, u.auditID]);
    expect(alerts[0]!.kubernetes.audit.auditID).toBe(u.auditID);
    expect(alerts[0]!.message).toMatch(/^Grant then use: alice@example.com completed 2 steps in order within 5m/);
  });

  it('stay quiet when the steps come in the wrong order, too far apart, or from different groups', () => {
    expect(run([use(at(0, 0)), grant(at(0, 1))])).toEqual([]);
    expect(run([grant(at(0, 0)), use(at(5, 1))])).toEqual([]);
    expect(run([grant(at(0, 0)), use(at(0, 1), 'bob@example.com')])).toEqual([]);
  });

  it("apply each step's own condition and the rule's condition to every step", () => {
    expect(run([grant(at(0, 0)), use(at(0, 1), 'alice@example.com', 'other')])).toEqual([]);
    expect(run([grant(at(0, 0), 'system:admin'), use(at(0, 1), 'system:admin')])).toEqual([]);
  });

  it('count one request once across its stages, and start afresh after firing', () => {
    const g = grant(at(0, 0));
    const u = use(at(0, 1));
    const alerts = run([g, { ...g, stage: 'ResponseStarted' }, u, { ...u, stage: 'ResponseStarted' }, use(at(0, 2))]);
    expect(alerts).toHaveLength(1);
  });

  it('keep the latest start, so a later first step can still complete within the window', () => {
    expect(run([grant(at(0, 0)), grant(at(4, 0)), use(at(8, 0))])).toHaveLength(1);
  });

  it('run their tests as one stream each, as windowed rules do', () => {
    const report = runRuleTests(catalogueOf(GRANT_THEN_USE));
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(2);
  });

  it('are rejected with a window, with a rule-level match, or with a single step', () => {
    const bad = (extra: string) => () =>
      catalogueOf(`id: x\nname: x\ndescription: d\nseverity: low\n${extra}\nsequence:\n  by: [user.username]\n  within: 1m\n  steps:\n    - { name: a, match: { verb: create } }\n    - { name: b, match: { verb: delete } }\n`);
    expect(bad('window: { duration: 1m, group_by: [user.username], threshold: 2 }')).toThrow(ConfigError);
    expect(bad('match: { verb: create }')).toThrow(/leave the rule-level match empty/);
    expect(() => catalogueOf(`id: x\nname: x\ndescription: d\nseverity: low\nsequence:\n  by: [user.username]\n  within: 1m\n  steps:\n    - { name: a }\n`)).toThrow(/at least two steps/);
  });
});
