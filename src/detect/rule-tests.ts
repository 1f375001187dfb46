// Runs the test events that ship beside each rule: every `fire` case must raise that rule, every
// `quiet` case must not. Test events are partial; realistic defaults fill the rest, so a test
// states only what matters to the rule. A windowed or sequence rule's cases form one stream each.
import type { AuditEvent } from '../core/audit-event.js';
import { createEnricher } from '../enrich/enrich.js';
import type { Catalogue, CompiledRule } from './catalogue.js';
import { createDetector } from './engine.js';

export interface RuleTestFailure {
  rule: string;
  file: string;
  kind: 'fire' | 'quiet';
  index: number;
  problem: string;
}

export interface RuleTestReport {
  rules: number;
  cases: number;
  failures: RuleTestFailure[];
}

const BASE_TIME = Date.parse('2026-01-01T10:00:00Z');

/** Fills a partial test event. `_repeat: N` expands into N events with distinct auditIDs and names. */
export function testEvents(partials: Record<string, unknown>[], tag: string): AuditEvent[] {
  const out: AuditEvent[] = [];
  let n = 0;
  for (const p of partials) {
    const { _repeat, ...partial } = p;
    const times = typeof _repeat === 'number' ? _repeat : 1;
    for (let r = 0; r < times; r++) {
      const t = new Date(BASE_TIME + n * 1000);
      const e = completeTestEvent(partial, `${tag}-${n}`, t);
      if (times > 1 && e.objectRef?.name) e.objectRef = { ...e.objectRef, name: `${e.objectRef.name}-${r}` };
      out.push(e);
      n++;
    }
  }
  return out;
}

export function completeTestEvent(p: Record<string, unknown>, auditID: string, at: Date): AuditEvent {
  const verb = (p.verb as string) ?? 'get';
  const ref = p.objectRef as AuditEvent['objectRef'];
  const uri = ref?.resource ? `/api/v1/${ref.namespace ? `namespaces/${ref.namespace}/` : ''}${ref.resource}${ref.name ? `/${ref.name}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}` : '/api';
  const stamp = at.toISOString().replace('Z', '000Z');
  const e: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID,
    stage: 'ResponseComplete',
    requestURI: uri,
    verb,
    user: { username: 'alice@example.com', groups: ['system:authenticated'] },
    sourceIPs: ['203.0.113.7'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
    responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 },
    requestReceivedTimestamp: stamp,
    stageTimestamp: stamp,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...p,
  };
  if (e.stage === 'RequestReceived' && !('responseStatus' in p)) delete e.responseStatus;
  if (e.stage === 'RequestReceived' && !('annotations' in p)) delete e.annotations;
  return e as unknown as AuditEvent;
}

export function runRuleTests(catalogue: Catalogue, only?: (r: CompiledRule) => boolean): RuleTestReport {
  const enrich = createEnricher({ redact: true });
  const report: RuleTestReport = { rules: 0, cases: 0, failures: [] };
  for (const rule of catalogue.rules) {
    if (only && !only(rule)) continue;
    report.rules++;
    const single: Catalogue = { ...catalogue, rules: [rule] };
    for (const kind of ['fire', 'quiet'] as const) {
      const partials = rule.spec.tests[kind];
      // Windowed and sequence rules need several events: their cases form one stream.
      const cases = rule.window || rule.sequence ? (partials.length ? [partials] : []) : partials.map((p) => [p]);
      cases.forEach((c, index) => {
        report.cases++;
        const detector = createDetector(single);
        const events = testEvents(c, `test-${rule.spec.id}-${kind}-${index}`);
        let alerts;
        try {
          alerts = detector.detect(enrich(events.map((event) => ({ event, origin: { source: rule.file, item: index + 1 }, cluster: 'test' }))));
        } catch (e) {
          report.failures.push({ rule: rule.spec.id, file: rule.file, kind, index, problem: `threw ${(e as Error).message}` });
          return;
        }
        const fired = alerts.length > 0;
        if (kind === 'fire' && !fired) report.failures.push({ rule: rule.spec.id, file: rule.file, kind, index, problem: 'expected the rule to fire; it did not' });
        if (kind === 'quiet' && fired) report.failures.push({ rule: rule.spec.id, file: rule.file, kind, index, problem: `expected no alert; got "${alerts[0]!.message}"` });
      });
    }
  }
  return report;
}
