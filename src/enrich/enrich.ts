// The enrich stage: redact, then build each event's document and sentence. Runs on whole batches.
import type { EnrichedRecord } from '../core/batch.js';
import type { AuditRecord } from '../core/record.js';
import { describeEvent } from './describe.js';
import { buildDocument, type EventDocument } from './document.js';
import { redactEvent, type RedactOptions } from './redact.js';

export interface EnrichOptions {
  redact: boolean | RedactOptions;
}

export type EnrichedEvent = EnrichedRecord<EventDocument>;

export function createEnricher(options: EnrichOptions) {
  const redactOptions: RedactOptions | undefined = options.redact === false ? undefined : options.redact === true ? {} : options.redact;
  return function enrich(records: readonly AuditRecord[]): EnrichedEvent[] {
    const out: EnrichedEvent[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (redactOptions) redactEvent(r.event, redactOptions);
      out[i] = new Enriched(r, buildDocument(r.event, r.cluster, describeEvent(r.event)));
    }
    return out;
  };
}

/** A class rather than object literals with closures: one shape, and json() costs nothing until called. */
class Enriched implements EnrichedEvent {
  readonly event;
  readonly origin;
  readonly cluster;
  readonly id: string;
  private serialised: string | undefined;
  constructor(r: AuditRecord, readonly doc: EventDocument) {
    this.event = r.event;
    this.origin = r.origin;
    this.cluster = r.cluster;
    this.id = documentId(r.event.auditID, r.event.stage);
  }
  json(): string {
    return (this.serialised ??= JSON.stringify(this.doc));
  }
}

/** The idempotency key: replays of the same request stage overwrite, never duplicate. */
export function documentId(auditID: string, stage: string): string {
  return `${auditID}:${stage}`;
}
