import type { Alert } from './alert.js';
import type { AuditRecord, RawRecord, RejectedRecord } from './record.js';

/**
 * What a source hands the pipeline. `ack` is called once every sink has durably taken everything
 * that came from this batch; only then may the source commit (Kafka offset), answer (webhook 200) or
 * advance (file checkpoint). `fail` is called instead when the batch could not be delivered.
 */
export interface SourceBatch {
  records: RawRecord[];
  ack(): void;
  fail(error: Error): void;
}

/** What sinks receive: the decoded, enriched and judged contents of one source batch. */
export interface ProcessedBatch<Doc = unknown> {
  events: EnrichedRecord<Doc>[];
  alerts: Alert[];
  rejected: RejectedRecord[];
}

export interface EnrichedRecord<Doc = unknown> extends AuditRecord {
  /** The Elasticsearch document (DESIGN.md §3). */
  doc: Doc;
  /** Serialised once, on first use, and shared by every sink that needs JSON. */
  json(): string;
  /** Stable idempotency key: auditID + stage. */
  id: string;
}
