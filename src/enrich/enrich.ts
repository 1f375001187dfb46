// The enrich stage: redact, then build each event's document and sentence. Runs on whole batches.
import type { EnrichedRecord } from '../core/batch.js';
import type { AuditRecord, RejectedRecord } from '../core/record.js';
import { describeEvent } from './describe.js';
import { buildDocument, serialiseDocument, type DocumentHead } from './document.js';
import { redactEvent, redactRejectedText, type RedactOptions } from './redact.js';

export interface EnrichOptions {
  redact: boolean | RedactOptions;
}

export type EnrichedEvent = EnrichedRecord<DocumentHead>;

export function createEnricher(options: EnrichOptions) {
  const redactOptions: RedactOptions | undefined = options.redact === false ? undefined : options.redact === true ? {} : options.redact;
  /** Rejected input is kept (dead-letter, store): it is redacted as far as its text allows. */
  function rejected(list: RejectedRecord[]): RejectedRecord[] {
    if (redactOptions) for (const r of list) r.text = redactRejectedText(r.text, redactOptions);
    return list;
  }
  return Object.assign(enrich, { rejected });
  function enrich(records: readonly AuditRecord[]): EnrichedEvent[] {
    const out: EnrichedEvent[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      // Redaction changes the event, so its original text must not be spliced anywhere.
      if (redactOptions && redactEvent(r.event, redactOptions)) r.raw = undefined;
      out[i] = new Enriched(r, buildDocument(r.event, r.cluster, describeEvent(r.event)));
    }
    return out;
  }
}

/** A class rather than object literals with closures: one shape, and json() costs nothing until called. */
class Enriched implements EnrichedEvent {
  readonly event;
  readonly origin;
  readonly cluster;
  readonly id: string;
  readonly raw: string | undefined;
  private serialised: string | undefined;
  constructor(r: AuditRecord, readonly doc: DocumentHead) {
    this.event = r.event;
    this.origin = r.origin;
    this.cluster = r.cluster;
    this.raw = r.raw;
    this.id = documentId(r.event.auditID, r.event.stage);
  }
  json(): string {
    return (this.serialised ??= serialiseDocument(this.doc, this.event, this.raw));
  }
}

/** The idempotency key: replays of the same request stage overwrite, never duplicate. */
export function documentId(auditID: string, stage: string): string {
  return `${auditID}:${stage}`;
}
