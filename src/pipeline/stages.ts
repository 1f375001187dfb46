// The stages between source and sinks, built once per thread that runs them.
import { createDecoder, type Decoder } from '../decode/decode.js';
import { bodyNeeds } from '../detect/body-needs.js';
import type { Catalogue } from '../detect/catalogue.js';
import type { Detector } from '../detect/engine.js';
import { createEnricher, type EnrichedEvent, type EnrichOptions } from '../enrich/enrich.js';
import type { RawRecord, RejectedRecord } from '../core/record.js';

export interface Stages {
  decoder: Decoder;
  enrich: ReturnType<typeof createEnricher>;
  detector?: Detector;
}

/**
 * The decode and enrich stages for a catalogue: bodies no rule of it reads (and redaction cannot
 * touch) are carried as raw JSON, not parsed. The catalogue must be the one detection runs.
 */
export function decodeAndEnrich(catalogue: Catalogue, defaultCluster: string, redact: EnrichOptions['redact']): Pick<Stages, 'decoder' | 'enrich'> {
  return { decoder: createDecoder({ defaultCluster, bodies: bodyNeeds(catalogue) }), enrich: createEnricher({ redact }) };
}

/** A batch decoded and enriched: its events, and its rejects (redacted as far as their text allows). */
export function enrichRecords(stages: Pick<Stages, 'decoder' | 'enrich'>, records: RawRecord[]): { events: EnrichedEvent[]; rejected: RejectedRecord[] } {
  const decoded = stages.decoder.decode(records);
  return { events: stages.enrich(decoded.events), rejected: stages.enrich.rejected(decoded.rejected) };
}
