import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/core/yaml.js';
import type { Alert } from '../../../src/core/alert.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { proposeExceptions, renderProposals, userAgentProduct } from '../../../src/detect/tune.js';
import { parseTuning } from '../../../src/detect/tuning.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { auditEvent, raw } from '../../helpers/events.js';

const NOW = new Date('2026-11-25T00:00:00Z');

function scan(events: Record<string, unknown>[], tuning: unknown = {}): Alert[] {
  const catalogue = loadCatalogue({ tuning: parseTuning(tuning, 'test'), now: NOW });
  const decoded = createDecoder({ defaultCluster: 'c' }).decode(events.map((e) => raw(e)));
  return createDetector(catalogue).detect(createEnricher({ redact: true })(decoded.events));
}

/** A CI deployer that deletes a different stale ConfigMap every hour for a day: benign and recurring. */
const ciDeletes = Array.from({ length: 24 }, (_, h) =>
  auditEvent({
    verb: 'delete',
    user: { username: 'system:serviceaccount:ci:deployer' },
    userAgent: 'Helm/3.14.0 (linux/amd64)',
    objectRef: { resource: 'events', namespace: 'shop', name: `stale-${h}` },
    stageTimestamp: `2026-11-20T${String(h).padStart(2, '0')}:15:00.000000Z`,
  }),
);
/** One burst by a person within a minute: an incident to read, not a habit. */
const burst = Array.from({ length: 8 }, (_, i) =>
  auditEvent({ verb: 'delete', objectRef: { resource: 'events', namespace: 'kube-system', name: `e-${i}` }, stageTimestamp: `2026-11-20T09:18:${String(10 + i)}.000000Z` }),
);

describe('k8s-audit tune', () => {
  it('proposes a narrowly scoped, expiring exception for an actor that recurs across hours', () => {
    const proposals = proposeExceptions(scan([...ciDeletes, ...burst]), { now: NOW });
    expect(proposals.map((p) => p.exception)).toEqual([
      {
        name: 'baseline-events-deleted-system-serviceaccount-ci-deployer',
        reason: expect.stringContaining('seen 24 times on 24 objects') as string,
        owner: 'TODO',
        expires: '2027-02-23',
        rule: 'events-deleted',
        user: 'system:serviceaccount:ci:deployer',
        namespace: 'shop',
        user_agent: 'Helm/*',
      },
    ]);
  });

  it('never proposes for a burst, for one object hit repeatedly or for critical rules', () => {
    expect(proposeExceptions(scan(burst), { now: NOW })).toEqual([]);
    const sameObject = ciDeletes.map((e) => ({ ...e, objectRef: { resource: 'events', namespace: 'shop', name: 'same' } }));
    expect(proposeExceptions(scan(sameObject), { now: NOW })).toEqual([]);
    const bindings = Array.from({ length: 6 }, (_, h) =>
      auditEvent({
        verb: 'create',
        level: 'RequestResponse',
        objectRef: { resource: 'clusterrolebindings', name: `b-${h}`, apiGroup: 'rbac.authorization.k8s.io' },
        requestObject: { kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'x' }] },
        stageTimestamp: `2026-11-20T0${h}:00:00.000000Z`,
      }),
    );
    const alerts = scan(bindings);
    expect(alerts.some((a) => a.rule.severity === 'critical')).toBe(true);
    expect(proposeExceptions(alerts, { now: NOW, minOccurrences: 2 }).filter((p) => p.rule.severity === 'critical')).toEqual([]);
  });

  it('writes a tuning file that loads as is and silences what it proposes, and nothing else', () => {
    const baseline = scan([...ciDeletes, ...burst]);
    const text = renderProposals(proposeExceptions(baseline, { now: NOW }), { inputs: ['baseline.log'], alerts: baseline.length, now: NOW });
    expect(text).toMatch(/^# Proposed exceptions from `k8s-audit tune`/);
    expect(text).toContain('# events-deleted (medium): 24 alerts on 24 objects');
    const tuning = parseTuning(parseYaml(text), 'proposed');
    const after = scan([...ciDeletes, ...burst], tuning);
    expect(after.filter((a) => a.user.name === 'system:serviceaccount:ci:deployer')).toEqual([]);
    expect(after.filter((a) => a.rule.id === 'events-deleted')).toHaveLength(burst.length);
  });

  it('writes an empty list when nothing qualifies', () => {
    expect(parseYaml(renderProposals([], { inputs: ['x'], alerts: 0, now: NOW }))).toEqual({ exceptions: [] });
  });

  it('scopes user agents by product', () => {
    expect(userAgentProduct('kubectl/v1.30.2 (linux/amd64) kubernetes/3968350')).toBe('kubectl/*');
    expect(userAgentProduct('Helm/3.14.0')).toBe('Helm/*');
    expect(userAgentProduct(undefined)).toBeUndefined();
    expect(userAgentProduct('(weird)')).toBeUndefined();
  });
});
