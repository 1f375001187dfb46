// The detect stage. Rules are indexed by verb and resource at construction, so an event is tested
// only against rules that could match it; the cost of a bigger catalogue grows with the rules that
// share an event's verb and resource, not with the catalogue.
import type { Alert } from '../core/alert.js';
import type { EnrichedEvent } from '../enrich/enrich.js';
import { buildAlert } from './alert.js';
import { passesGate, type Catalogue, type CompiledRule } from './catalogue.js';
import { EvalContext } from './derived.js';
import { SequenceState } from './sequence.js';
import { WindowState } from './window.js';

const WILDCARD = '*';
/** Remembers this many (rule, request) pairs to fire once per request across its stages. */
const DEDUPE_CAPACITY = 200_000;

export interface DetectStats {
  evaluated: number;
  fired: number;
  suppressed: number;
  deduplicated: number;
}

export function createDetector(catalogue: Catalogue) {
  const byVerb = new Map<string, Map<string, CompiledRule[]>>();
  for (const rule of catalogue.rules) {
    for (const verb of rule.verbs ?? [WILDCARD]) {
      let byResource = byVerb.get(verb);
      if (!byResource) byVerb.set(verb, (byResource = new Map()));
      for (const resource of rule.resources ?? [WILDCARD]) {
        const list = byResource.get(resource);
        if (list) list.push(rule);
        else byResource.set(resource, [rule]);
      }
    }
  }
  const candidateCache = new Map<string, CompiledRule[]>();
  const candidates = (verb: string, resource: string): CompiledRule[] => {
    const key = `${verb}\0${resource}`;
    let c = candidateCache.get(key);
    if (c) return c;
    const found = new Set<CompiledRule>();
    for (const v of [verb, WILDCARD]) {
      const m = byVerb.get(v);
      if (!m) continue;
      for (const r of m.get(resource) ?? []) found.add(r);
      for (const r of m.get(WILDCARD) ?? []) found.add(r);
    }
    // Catalogue order, so alerts come out in a stable order.
    c = catalogue.rules.filter((r) => found.has(r));
    if (candidateCache.size < 10_000) candidateCache.set(key, c);
    return c;
  };

  const windows = new Map<CompiledRule, WindowState>();
  for (const r of catalogue.rules) if (r.window) windows.set(r, new WindowState(r.window));
  const sequences = new Map<CompiledRule, SequenceState>();
  for (const r of catalogue.rules) if (r.sequence) sequences.set(r, new SequenceState(r.sequence));
  const fired = new Set<string>();
  const stats: DetectStats = { evaluated: 0, fired: 0, suppressed: 0, deduplicated: 0 };

  function detect(events: readonly EnrichedEvent[]): Alert[] {
    const alerts: Alert[] = [];
    for (const rec of events) {
      const e = rec.event;
      const rules = candidates(e.verb, e.objectRef?.resource ?? '');
      if (rules.length === 0) continue;
      let ctx: EvalContext | undefined;
      for (const rule of rules) {
        if (rule.stages && !rule.stages.has(e.stage)) continue;
        if (rule.subresources && !rule.subresources.has(e.objectRef?.subresource ?? '')) continue;
        if (rule.apiGroups && !rule.apiGroups.has(e.objectRef?.apiGroup ?? '')) continue;
        stats.evaluated++;
        ctx ??= new EvalContext(e);
        if (!rule.test(e, ctx)) continue;
        let steps: number[] | undefined;
        if (rule.sequence) {
          const [verb, resource, stage, sub, group] = [e.verb, e.objectRef?.resource ?? '', e.stage, e.objectRef?.subresource ?? '', e.objectRef?.apiGroup ?? ''];
          steps = [];
          for (let i = 0; i < rule.sequence.steps.length; i++) {
            const st = rule.sequence.steps[i]!;
            if (passesGate(st, verb, resource, stage, sub, group) && st.test(e, ctx)) steps.push(i);
          }
          if (steps.length === 0) continue;
        }
        const exception = rule.exceptions.find((x) => x.matches(e, rec.cluster, ctx!));
        if (exception) {
          exception.hits++;
          stats.suppressed++;
          continue;
        }
        let alert: Alert;
        const w = windows.get(rule);
        const sq = sequences.get(rule);
        if (sq) {
          const fire = sq.add(e, ctx, steps!);
          if (!fire) continue;
          alert = buildAlert(rule, rec, ctx, { ...fire, windowMs: rule.sequence!.withinMs });
        } else if (w) {
          const fire = w.add(e, ctx);
          if (!fire) continue;
          alert = buildAlert(rule, rec, ctx, { ...fire, windowMs: rule.window!.durationMs });
        } else {
          const key = `${rule.spec.id}\0${rec.cluster}\0${e.auditID}`;
          if (fired.has(key)) {
            stats.deduplicated++;
            continue;
          }
          if (fired.size >= DEDUPE_CAPACITY) fired.delete(fired.values().next().value!);
          fired.add(key);
          alert = buildAlert(rule, rec, ctx);
        }
        stats.fired++;
        alerts.push(alert);
        (rec.doc.k8s_audit.alert_ids ??= []).push(alert.alert.id);
      }
    }
    return alerts;
  }

  return { detect, stats, catalogue };
}

export type Detector = ReturnType<typeof createDetector>;
