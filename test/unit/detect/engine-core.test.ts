import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decode.js';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { parseTuning } from '../../../src/detect/tuning.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { auditEvent, raw } from '../../helpers/events.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const decoder = createDecoder({ defaultCluster: 'c' });
const enrich = createEnricher({ redact: true });
const run = (detector: ReturnType<typeof createDetector>, events: Record<string, unknown>[]) => detector.detect(enrich(decoder.decode(events.map((e) => raw(e))).events));

function catalogueOf(rules: string, tuning: unknown = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-rules-'));
  writeFileSync(join(dir, 'rules.yaml'), rules);
  return loadCatalogue({ dir, tuning: parseTuning(tuning, 'test'), now: new Date('2026-11-25T00:00:00Z') });
}

const DELETE_RULE = `
rules:
  - id: secret-delete
    name: Secret deleted
    description: d
    severity: medium
    match: { verb: delete, resource: secrets }
    exceptions:
      - { name: gc, reason: garbage collection, user: "system:serviceaccount:kube-system:*" }
  - id: mass-delete
    name: Mass deletion
    description: d
    severity: high
    match: { verb: delete }
    window: { duration: 60s, group_by: [user.username], threshold: 3, distinct: objectRef.name }
`;

describe('detection engine', () => {
  it('raises one alert per request across its stages and marks the document with the alert id', () => {
    const detector = createDetector(catalogueOf(DELETE_RULE));
    const e = auditEvent({ verb: 'delete' });
    const recs = enrich(decoder.decode([raw({ ...e, stage: 'ResponseStarted' }), raw(e)]).events);
    const alerts = detector.detect(recs);
    expect(alerts.map((a) => a.rule.id)).toEqual(['secret-delete']);
    expect(recs[0]!.doc.k8s_audit.alert_ids).toEqual([alerts[0]!.alert.id]);
    expect(detector.stats.deduplicated).toBe(1);
  });

  it('ignores RequestReceived by default: it has no decision and no response yet', () => {
    const detector = createDetector(catalogueOf(DELETE_RULE));
    expect(run(detector, [auditEvent({ verb: 'delete', stage: 'RequestReceived' })])).toEqual([]);
  });

  it('applies scoped exceptions and counts what they suppress', () => {
    const catalogue = catalogueOf(DELETE_RULE);
    const detector = createDetector(catalogue);
    expect(run(detector, [auditEvent({ verb: 'delete', user: { username: 'system:serviceaccount:kube-system:generic-garbage-collector' } })]).filter((a) => a.rule.id === 'secret-delete')).toEqual([]);
    expect(detector.stats.suppressed).toBe(1);
    expect(catalogue.rules[0]!.exceptions[0]!.hits).toBe(1);
  });

  it('stops applying expired exceptions from the tuning file and reports them', () => {
    const catalogue = catalogueOf(DELETE_RULE, { exceptions: [{ name: 'old', reason: 'migration', owner: 'bob', expires: '2026-11-01', rule: 'secret-delete', user: 'alice@example.com' }] });
    expect(catalogue.expiredExceptions).toEqual([{ name: 'old', rule: 'secret-delete', expires: '2026-11-01' }]);
    expect(run(createDetector(catalogue), [auditEvent({ verb: 'delete' })]).map((a) => a.rule.id)).toEqual(['secret-delete']);
  });

  it('fires a windowed rule once the distinct count is reached, with every contributing auditID', () => {
    const detector = createDetector(catalogueOf(DELETE_RULE, { rules: { disable: ['secret-delete'] } }));
    const at = (s: number) => `2026-11-20T09:00:${String(s).padStart(2, '0')}.000000Z`;
    const del = (name: string, s: number) => auditEvent({ verb: 'delete', objectRef: { resource: 'configmaps', namespace: 'shop', name }, stageTimestamp: at(s) });
    const same = del('a', 1);
    const alerts = run(detector, [same, { ...same, stage: 'ResponseStarted' }, del('a', 2), del('b', 3), del('c', 4), del('d', 5)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.related!.audit_ids).toHaveLength(4);
    expect(alerts[0]!.alert.count).toBe(4);
    expect(alerts[0]!.message).toMatch(/Mass deletion: alice@example.com made 4 matching requests within 1m/);
  });

  it('keeps each cluster\'s windows apart: one receiver serves many clusters', () => {
    const detector = createDetector(catalogueOf(DELETE_RULE, { rules: { disable: ['secret-delete'] } }));
    const del = (name: string, s: number, cluster: string) => ({ ...raw(auditEvent({ verb: 'delete', objectRef: { resource: 'pods', name }, stageTimestamp: `2026-11-20T09:00:0${s}.000000Z` })), cluster });
    const detect = (records: ReturnType<typeof del>[]) => detector.detect(enrich(decoder.decode(records).events));
    // alice in two clusters: two deletes in one and one in the other are not three of one group.
    expect(detect([del('a', 1, 'prod'), del('b', 2, 'prod'), del('c', 3, 'staging')])).toEqual([]);
    const fired = detect([del('d', 4, 'staging'), del('e', 5, 'staging')]);
    expect(fired.map((a) => [a.orchestrator.cluster.name, a.alert.count])).toEqual([['staging', 3]]);
  });

  it('does not fire a window whose events are spread wider than its duration', () => {
    const detector = createDetector(catalogueOf(DELETE_RULE, { rules: { disable: ['secret-delete'] } }));
    const del = (name: string, min: number) => auditEvent({ verb: 'delete', objectRef: { resource: 'pods', name }, stageTimestamp: `2026-11-20T09:0${min}:00.000000Z` });
    expect(run(detector, [del('a', 0), del('b', 2), del('c', 4)])).toEqual([]);
  });

  it('reports every problem in a broken rule file at once', () => {
    expect(() => catalogueOf(`
rules:
  - { id: Bad_Id, name: x, description: d, severity: urgent }
  - { id: ok, name: x, description: d, severity: low, when: { verb: { sounds_like: get } } }
`)).toThrow(/ids are kebab-case[\s\S]*severity[\s\S]*unknown operator/);
  });

  it('refuses tuning that names no rule, so typos do not silently disable nothing', () => {
    expect(() => catalogueOf(DELETE_RULE, { rules: { disable: ['secret-delet'] } })).toThrow(/"secret-delet" matches no rule id/);
  });
});
