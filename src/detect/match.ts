// The stateless half of detection: which rules an event matches, with exceptions applied and the
// alert drafted. Needs nothing but the event, so it can run on any thread; windows, sequences and
// the once-per-request rule are settled afterwards, in event order, by aggregate.ts.
// Rules are indexed by verb and resource, so an event is tested only against rules that could match
// it: the cost of a bigger catalogue grows with the rules that share an event's verb and resource.
import type { EnrichedEvent } from '../enrich/enrich.js';
import { draftAlert, type AlertDraft } from './alert.js';
import { passesGate, type Catalogue, type CompiledRule } from './catalogue.js';
import { EvalContext } from './derived.js';
import { groupOf, type GroupHit } from './groups.js';

const WILDCARD = '*';

/** A rule an event matched: plain data, so it can cross from a worker thread. */
export interface Finding {
  /** Index of the rule in the catalogue. */
  rule: number;
  /** Index of the event in its batch. */
  record: number;
  draft: AlertDraft;
  /** Windows and sequences: the event's group and time. */
  hit?: GroupHit;
  /** Sequences: the steps this event matched, ascending. */
  steps?: number[];
}

export interface MatchStats {
  evaluated: number;
  suppressed: number;
}

export function createMatcher(catalogue: Catalogue) {
  const ruleIndex = new Map<CompiledRule, number>(catalogue.rules.map((r, i) => [r, i]));
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
  // By verb, then resource: two lookups of strings JSON.parse made cost less than building a key of both.
  const candidateCache = new Map<string, Map<string, CompiledRule[]>>();
  let cached = 0;
  const candidates = (verb: string, resource: string): CompiledRule[] => {
    let byResource = candidateCache.get(verb);
    let c = byResource?.get(resource);
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
    if (cached < 10_000) {
      if (!byResource) candidateCache.set(verb, (byResource = new Map()));
      byResource.set(resource, c);
      cached++;
    }
    return c;
  };
  const stats: MatchStats = { evaluated: 0, suppressed: 0 };

  function match(events: readonly EnrichedEvent[], out: Finding[] = []): Finding[] {
    for (let record = 0; record < events.length; record++) {
      const rec = events[record]!;
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
        const finding: Finding = { rule: ruleIndex.get(rule)!, record, draft: draftAlert(rule, rec, ctx) };
        const by = rule.sequence?.by ?? rule.window?.groupBy;
        if (by) {
          const d = rule.window?.distinct?.get(e, ctx);
          finding.hit = { t: Date.parse(e.stageTimestamp), auditID: e.auditID, ...groupOf(by, e, ctx, rec.cluster), ...(d === undefined ? {} : { distinct: JSON.stringify(d) }) };
        }
        if (steps) finding.steps = steps;
        out.push(finding);
      }
    }
    return out;
  }

  return { match, stats };
}

export type Matcher = ReturnType<typeof createMatcher>;
