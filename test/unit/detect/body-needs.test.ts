import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { BOTH_BODIES, REQUEST_BODY, RESPONSE_BODY } from '../../../src/decode/body-split.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { bodyNeeds } from '../../../src/detect/body-needs.js';
import { loadCatalogue, type Catalogue } from '../../../src/detect/catalogue.js';
import { DERIVED, EvalContext } from '../../../src/detect/derived.js';
import { createDetector } from '../../../src/detect/engine.js';
import { compileGetter } from '../../../src/detect/fields.js';
import { testEvents } from '../../../src/detect/rule-tests.js';
import { parseTuning } from '../../../src/detect/tuning.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { raw, REPO_ROOT } from '../../helpers/events.js';

// Every rule, including those shipped switched off.
const everything = loadCatalogue({ tuning: parseTuning({ rules: { enable: ['*'] } }, 'body-needs test') });
const enrich = createEnricher({ redact: true });

/** Members in the order kube-apiserver writes them: bodies before the timestamps and annotations. */
const ORDER = ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations'];
const line = (e: object) => JSON.stringify(Object.fromEntries(Object.entries(e).sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))));

/** Alerts of `catalogue` on these lines (and what decode rejected), decoded with or without the bodies it needs. */
function alertsOf(catalogue: Catalogue, lines: string[], withNeeds: boolean): { alerts: unknown[]; rejected: string[] } {
  const decoder = createDecoder(withNeeds ? { defaultCluster: 'c', bodies: bodyNeeds(catalogue) } : { defaultCluster: 'c' });
  const detector = createDetector(catalogue);
  const out = decoder.decode(lines.map((l, i) => raw(l, i + 1)));
  return { alerts: detector.detect(enrich(out.events)).map((a) => JSON.parse(JSON.stringify(a)) as unknown), rejected: out.rejected.map((r) => r.reason) };
}

describe('bodyNeeds on the shipped rules', () => {
  it("keeps every rule's own fire and quiet cases exactly as they are, with only that rule's needs parsed", () => {
    let cases = 0;
    let fired = 0;
    for (const rule of everything.rules) {
      const single: Catalogue = { ...everything, rules: [rule] };
      for (const kind of ['fire', 'quiet'] as const) {
        const partials = rule.spec.tests[kind];
        const groups = rule.window || rule.sequence ? (partials.length ? [partials] : []) : partials.map((p) => [p]);
        groups.forEach((g, i) => {
          const lines = testEvents(g, `needs-${rule.spec.id}-${kind}-${i}`).map(line);
          const expected = alertsOf(single, lines, false);
          expect({ rule: rule.spec.id, kind, i, ...alertsOf(single, lines, true) }).toEqual({ rule: rule.spec.id, kind, i, ...expected });
          cases++;
          fired += expected.alerts.length;
        });
      }
    }
    expect(cases).toBeGreaterThan(200);
    expect(fired).toBeGreaterThan(100);
  });

  it('raises the same alerts on the sample incident with and without it', () => {
    const lines = readFileSync(join(REPO_ROOT, 'samples/audit.log'), 'utf8').split('\n').filter(Boolean);
    const catalogue = loadCatalogue();
    const got = alertsOf(catalogue, lines, true);
    expect(got.alerts.length).toBeGreaterThan(5);
    expect(got).toEqual(alertsOf(catalogue, lines, false));
  });

  it('asks for the bodies of workload and RBAC changes, not for reads, watches and leases', () => {
    const needs = bodyNeeds(loadCatalogue());
    expect(needs('create', 'pods', '', '', 'ResponseComplete')).toBe(BOTH_BODIES);
    expect(needs('create', 'clusterrolebindings', '', 'rbac.authorization.k8s.io', 'ResponseComplete')).not.toBe(0);
    expect(needs('patch', 'namespaces', '', '', 'ResponseComplete') & REQUEST_BODY).toBe(REQUEST_BODY);
    for (const [verb, resource, sub] of [['get', 'pods', ''], ['list', 'pods', ''], ['watch', 'nodes', ''], ['update', 'leases', ''], ['get', 'serviceaccounts', ''], ['patch', 'pods', 'status'], ['create', 'pods', 'exec']]) {
      expect({ verb, resource, sub, needs: needs(verb!, resource!, sub!, '', 'ResponseComplete') }).toEqual({ verb, resource, sub, needs: 0 });
    }
    // A stage no rule looks at (rules default to ResponseStarted, ResponseComplete, Panic).
    expect(needs('create', 'pods', '', '', 'RequestReceived')).toBe(0);
  });
});

describe('bodyNeeds reads what each part of a rule may read', () => {
  const rule = (id: string, extra: string) => `- id: ${id}\n  name: ${id}\n  description: d\n  severity: low\n${extra.includes('sequence:') ? '' : `  match: {verb: create, resource: ${id}}\n`}${extra.replaceAll('RESOURCE', id)}`;
  const load = (rules: string[], tuning: unknown = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-needs-'));
    writeFileSync(join(dir, 'rules.yaml'), `macros:\n  reads_request: {requestObject.spec.x: 1}\n  reads_pod: {$pod.hostPaths: {exists: true}}\nrules:\n${rules.join('')}`);
    return bodyNeeds(loadCatalogue({ dir, tuning: parseTuning(tuning, 'test') }));
  };

  it.each([
    ['nothing but metadata', '  when: {user.username: alice, $actor.kind: human, $exec.command: {contains: sh}}\n', 0],
    ['a request path', '  when: {requestObject.spec.replicas: {gt: 3}}\n', REQUEST_BODY],
    ['a response path', '  when: {responseObject.status.phase: Running}\n', RESPONSE_BODY],
    ['a path in a macro', '  when: {macro: reads_request}\n', REQUEST_BODY],
    ['a derived field of both bodies in a macro under not', '  when: {not: {macro: reads_pod}}\n', BOTH_BODIES],
    ['a derived field inside some', '  when: {user.groups: {some: {$rbac.subjects: {exists: true}}}}\n', BOTH_BODIES],
    ['a request-only derived field', '  when: {$labels_removed: {exists: true}}\n', REQUEST_BODY],
    ['the configmap derived field', '  when: {$configmap.keys: {exists: true}}\n', REQUEST_BODY],
    ['a field compared with a metadata field', '  when: {objectRef.namespace: {eq_field: $actor.serviceAccount.namespace}}\n', 0],
    ['a field compared with a body field', '  when: {objectRef.namespace: {eq_field: requestObject.metadata.namespace}}\n', REQUEST_BODY],
    ['a field compared with a derived field of both bodies under not', '  when: {not: {objectRef.name: {eq_field: $pod.spec.hostname}}}\n', BOTH_BODIES],
    ['an image exception', '  exceptions: [{name: x, reason: r, image: "nginx*"}]\n', BOTH_BODIES],
    ['a when exception', '  exceptions: [{name: x, reason: r, when: {responseObject.x: 1}}]\n', RESPONSE_BODY],
    ['a window grouped by a body field', '  window: {duration: 1m, threshold: 2, group_by: [requestObject.spec.node]}\n', REQUEST_BODY],
    ['a window counting distinct body values', '  window: {duration: 1m, threshold: 2, group_by: [user.username], distinct: responseObject.x}\n', RESPONSE_BODY],
    ['a sequence step', '  sequence: {by: [user.username], within: 1m, steps: [{name: a, match: {verb: create, resource: RESOURCE}}, {name: b, match: {verb: create, resource: RESOURCE}, when: {requestObject.y: 1}}]}\n', REQUEST_BODY],
  ])('%s', (id, extra, expected) => {
    const name = id.replace(/[^a-z]+/g, '-').replace(/-$/, '');
    const needs = load([rule(name, extra)]);
    expect(needs('create', name, '', '', 'ResponseComplete')).toBe(expected);
    expect(needs('delete', name, '', '', 'ResponseComplete')).toBe(0);
  });

  it('counts an exception from the tuning file as reading both bodies, since its scope cannot be seen', () => {
    const needs = load([rule('plain', '  when: {user.username: alice}\n')], { exceptions: [{ name: 'mine', reason: 'r', rule: 'plain', user: 'bob' }] });
    expect(needs('create', 'plain', '', '', 'ResponseComplete')).toBe(BOTH_BODIES);
    expect(load([rule('plain', '  when: {user.username: alice}\n')])('create', 'plain', '', '', 'ResponseComplete')).toBe(0);
  });
});

describe('derived fields said to read no body', () => {
  it('give the same value whether or not the event has bodies', () => {
    const events = readFileSync(join(REPO_ROOT, 'samples/audit.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent)
      .filter((e) => e.requestObject !== undefined || e.responseObject !== undefined);
    expect(events.length).toBeGreaterThan(10);
    const bodyFree = ['actor', 'effective', 'decision', 'target', 'code', 'path', 'exec'];
    for (const name of bodyFree) {
      expect(DERIVED).toHaveProperty(name);
      const get = compileGetter(`$${name}`);
      for (const e of events) {
        const { requestObject: _q, responseObject: _s, ...bare } = e;
        expect(get(bare, new EvalContext(bare as AuditEvent))).toEqual(get(e, new EvalContext(e)));
      }
    }
  });
});
