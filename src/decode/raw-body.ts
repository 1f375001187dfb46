// Where an event's request/response bodies are in the line they were decoded from, so the document
// can be spliced from that line instead of re-serialised (kubernetes.audit drops each body's
// `metadata`: the spans say where to cut), and a body that nothing reads can stay text (RawJson).
// Spans are only ever recorded by decode after json-scan validated the body and JSON.parse placed it
// at the top level of the event (body-split.ts); they are trusted only together with that very line
// (`line === raw`), and whoever changes the event must drop the line (AuditRecord.raw) as before.

/** A body's place in its line: [start, end), and the [cutStart, cutEnd) that removes its top-level `metadata` member (-1: it has none). */
export interface BodySpan {
  readonly line: string;
  readonly start: number;
  readonly end: number;
  readonly cutStart: number;
  readonly cutEnd: number;
}

export interface BodySpans {
  requestObject?: BodySpan;
  responseObject?: BodySpan;
}

/**
 * Spans of the bodies decode parsed, by event. Beside the event rather than on it, so no field walk,
 * rule, JSON.stringify, spread or deep-equal ever sees them (a WeakMap entry costs half of a
 * non-enumerable property: 0.13 vs 0.25 µs per event, measured).
 */
const spansByEvent = new WeakMap<object, BodySpans>();

export function setBodySpans(event: object, spans: BodySpans): void {
  spansByEvent.set(event, spans);
}

/** The span decode recorded for a parsed body of `event`, if any. */
export function bodySpanOf(event: object, key: 'requestObject' | 'responseObject'): BodySpan | undefined {
  return spansByEvent.get(event)?.[key];
}

/** The body's text as kubernetes.audit shows it: without its top-level `metadata` member. */
export function textWithoutMetadata(s: BodySpan): string {
  return s.cutStart < 0 ? s.line.slice(s.start, s.end) : s.line.slice(s.start, s.cutStart) + s.line.slice(s.cutEnd, s.end);
}

/**
 * A request or response body carried as its original JSON text, never parsed: decode's `bodies`
 * option found that no enabled rule reads it and that redaction has nothing to replace in it. It
 * has no own enumerable properties, so a field walk finds nothing in it and redaction's walk has
 * nothing to visit; JSON.stringify of an event that carries one writes the body itself (parsed on
 * that slow path only, validated when decoded so it cannot throw), so the event's JSON is never wrong.
 */
export class RawJson {
  readonly #span: BodySpan;
  constructor(span: BodySpan) {
    this.#span = span;
  }
  /** Static, so an instance has no readable property but toJSON: a rule path into it reads nothing. */
  static span(r: RawJson): BodySpan {
    return r.#span;
  }
  static text(r: RawJson): string {
    return r.#span.line.slice(r.#span.start, r.#span.end);
  }
  toJSON(): unknown {
    return JSON.parse(RawJson.text(this)) as unknown;
  }
}
