// The detect stage on one thread: match each event against the catalogue (match.ts), settle
// windows, sequences and once-per-request in event order (aggregate.ts), and note each alert's id
// on the document of the event that raised it.
import type { Alert } from '../core/alert.js';
import type { EnrichedEvent } from '../enrich/enrich.js';
import { createAggregator } from './aggregate.js';
import type { Catalogue } from './catalogue.js';
import { createMatcher } from './match.js';

export interface DetectStats {
  evaluated: number;
  fired: number;
  suppressed: number;
  deduplicated: number;
}

export function createDetector(catalogue: Catalogue) {
  const matcher = createMatcher(catalogue);
  const aggregator = createAggregator(catalogue);

  function detect(events: readonly EnrichedEvent[]): Alert[] {
    const raised = aggregator.aggregate(matcher.match(events));
    for (const r of raised) (events[r.record]!.doc.k8s_audit.alert_ids ??= []).push(r.alert.alert.id);
    return raised.map((r) => r.alert);
  }

  const stats: DetectStats = {
    get evaluated() {
      return matcher.stats.evaluated;
    },
    get suppressed() {
      return matcher.stats.suppressed;
    },
    get fired() {
      return aggregator.stats.fired;
    },
    get deduplicated() {
      return aggregator.stats.deduplicated;
    },
  };
  return { detect, stats, catalogue };
}

export type Detector = ReturnType<typeof createDetector>;
