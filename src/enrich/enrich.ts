// The enrich stage: redact, then build each event's document and sentence. Runs on whole batches.
import type { AuditEvent } from '../core/audit-event.js';
import type { EventFacts, SinkRecord } from '../core/batch.js';
import type { AuditRecord, Origin, RejectedRecord } from '../core/record.js';
import { describeEvent } from './describe.js';
import { factsOf } from './facts.js';
import { buildDocument, serialiseDocument, type DocumentHead } from './document.js';
import { redactEvent, redactRejectedText, type RedactOptions } from './redact.js';

export interface EnrichOptions {
  redact: boolean | RedactOptions;
}

/** An enriched event on the thread that decoded it: what sinks get, plus the parsed event for detection. */
export interface EnrichedEvent extends SinkRecord, AuditRecord {
  doc: DocumentHead;
}

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
  readonly event: AuditEvent;
  readonly origin: Origin;
  readonly cluster: string;
  readonly id: string;
  readonly raw: string | undefined;
  private serialised: string | undefined;
  private flat: EventFacts | undefined;
  constructor(r: AuditRecord, readonly doc: DocumentHead) {
    this.event = r.event;
    this.origin = r.origin;
    this.cluster = r.cluster;
    this.raw = r.raw;
    this.id = documentId(r.event.auditID, r.event.stage);
  }
  get facts(): EventFacts {
    return (this.flat ??= factsOf(this.event, this.doc));
  }
  json(): string {
    return (this.serialised ??= serialiseDocument(this.doc, this.event, this.raw));
  }
  eventJson(): string {
    return this.raw ?? JSON.stringify(this.event);
  }
}

/** The idempotency key: replays of the same request stage overwrite, never duplicate. */
export function documentId(auditID: string, stage: string): string {
  return `${auditID}:${stage}`;
}
