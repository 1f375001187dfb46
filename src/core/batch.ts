import type { Alert } from './alert.js';
import type { RawRecord, RejectedRecord } from './record.js';

/**
 * What a source hands the pipeline. `ack` is called once every sink has durably taken everything
 * that came from this batch; only then may the source commit (Kafka offset), answer (webhook 200) or
 * advance (file checkpoint). `fail` is called instead when the batch could not be delivered.
 */
export interface SourceBatch {
  records: RawRecord[];
  /** Instead of records: JSON lines still as bytes (file scans), split where the batch is processed. */
  lines?: LineChunk;
  ack(): void;
  fail(error: Error): void;
}

/**
 * Whole JSON lines as read from a file. Splitting and decoding them is a good part of reading, so
 * with worker threads it is left to the workers and the main thread only moves bytes.
 */
export interface LineChunk {
  bytes: Uint8Array;
  source: string;
  /** 1-based number of the chunk's first line. */
  firstLine: number;
  cluster?: string;
}

/** What sinks receive: the decoded, enriched and judged contents of one source batch. */
export interface ProcessedBatch {
  events: SinkRecord[];
  alerts: Alert[];
  rejected: RejectedRecord[];
}

/**
 * One event as sinks see it: its document as text and the few facts sinks index or route on. Sinks
 * never read the parsed event, so the records can be built on a worker thread and shipped as text
 * and flat facts.
 */
export interface SinkRecord {
  /** Stable idempotency key: auditID + stage. */
  id: string;
  cluster: string;
  facts: EventFacts;
  /** The Elasticsearch document (DESIGN.md §3) as JSON; built once and shared by every sink. */
  json(): string;
  /**
   * The document's JSON and a newline as UTF-8, where it was encoded on a worker thread: sinks that
   * write bytes take it rather than re-encoding json() on the main thread.
   */
  documentLine?(): Uint8Array;
  /** The audit event itself as JSON (its original text where unchanged), for sinks that forward events. */
  eventJson(): string;
}

/** Flat, so that it crosses threads cheaply; `null` where the event has no such field. */
export interface EventFacts {
  auditID: string;
  stage: string;
  /** stageTimestamp, as written by the API server. */
  time: string;
  user: string | null;
  /** The impersonated user's name. */
  effectiveUser: string | null;
  actorKind: string;
  verb: string;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  code: number | null;
  decision: string | null;
  sourceIP: string | null;
  userAgent: string | null;
  requestURI: string;
  /** The event as a sentence (the document's message). */
  message: string;
}
