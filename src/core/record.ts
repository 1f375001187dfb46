import type { AuditEvent } from './audit-event.js';

/** Where a piece of input came from, precise enough for a `file:line: reason` message. */
export interface Origin {
  /** The source's name: a file path, `stdin`, `webhook`, `kafka:topic/partition`. */
  source: string;
  /** 1-based line in a line-oriented source; 1-based item index inside an EventList or array otherwise. */
  line?: number;
  item?: number;
  /** Kafka offset, byte offset in a file, … — whatever the source uses to resume. */
  position?: string;
}

export function formatOrigin(origin: Origin): string {
  let s = origin.source;
  if (origin.line !== undefined) s += `:${origin.line}`;
  if (origin.item !== undefined) s += `#${origin.item}`;
  return s;
}

/** Undecoded input: one line, one webhook body, one Kafka message. */
export interface RawRecord {
  text: string;
  /** Already parsed (a streamed array item, a webhook body): decode skips JSON.parse. */
  value?: unknown;
  origin: Origin;
  /** The cluster the source vouches for (CLI flag, webhook path or credential, Kafka header). */
  cluster?: string;
}

/** A decoded audit event with where it came from. */
export interface AuditRecord {
  event: AuditEvent;
  origin: Origin;
  cluster: string;
  /**
   * The event's original JSON text, when the input was exactly this event and decode changed
   * nothing. Lets sinks splice it instead of re-serialising (DESIGN.md §5). Whoever changes the
   * event afterwards (redaction) must drop it.
   */
  raw?: string;
}

/** Input that is not an audit event. Kept, never dropped silently. */
export interface RejectedRecord {
  origin: Origin;
  reason: string;
  /** The offending input, cut to a bounded size so a huge bad body cannot exhaust the dead-letter store. */
  text: string;
  cluster?: string;
}

export const REJECTED_TEXT_LIMIT = 64 * 1024;

export function rejected(origin: Origin, reason: string, text: string, cluster?: string): RejectedRecord {
  const kept = text.length > REJECTED_TEXT_LIMIT ? `${text.slice(0, REJECTED_TEXT_LIMIT)}…[${text.length - REJECTED_TEXT_LIMIT} more characters cut]` : text;
  return cluster === undefined ? { origin, reason, text: kept } : { origin, reason, text: kept, cluster };
}
