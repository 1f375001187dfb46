// Turns raw input (one JSON text per record) into audit events. Accepted shapes:
//   - an audit.k8s.io/v1 or v1beta1 Event, with or without kind/apiVersion (log backend lines,
//     webhook items);
//   - an EventList {kind: EventList, items: [...]} or a bare JSON array of events (webhook bodies,
//     captures);
//   - GKE Cloud Logging AuditLog entries, AKS diagnostic records (also inside {records: [...]}),
//     EKS CloudWatch payloads (logEvents[].message) and {message: "<event json>"} wrappers.
// Anything else is rejected with a reason; nothing is dropped silently.
import type { AuditEvent } from '../core/audit-event.js';
import type { AuditRecord, Origin, RawRecord, RejectedRecord } from '../core/record.js';
import { rejected } from '../core/record.js';
import { fromAks, isAksRecord } from './aks.js';
import { clusterFromLogGroup, isCloudWatchBatch, isMessageWrapper } from './eks.js';
import { fromGke, isGkeEntry } from './gke.js';
import { upgradeV1beta1 } from './v1beta1.js';
import { decodeSplit, type BodyNeeds } from './body-split.js';
import { isObject } from '../core/is-object.js';
import { auditEventProblem, completeAuditEvent, nestingProblem, tooShortToNest } from './validate.js';

const AUDIT_API_VERSIONS = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1', 'audit.k8s.io/v1alpha1']);
/** Guards against hostile nesting: {records:[{records:[…]}]} and the like. */
const MAX_WRAPPER_DEPTH = 4;

export interface DecodeOutput {
  events: AuditRecord[];
  rejected: RejectedRecord[];
}

export interface DecoderOptions {
  /** Cluster name used when neither the source nor the record names one. */
  defaultCluster: string;
  /**
   * Which request/response bodies must be parsed (detect/body-needs.ts: those an enabled rule may
   * read). Bodies it leaves out are carried as their text (RawJson) unless redaction may need them;
   * every body's place in the line is recorded, so the document splices it instead of re-serialising.
   * Absent: lines are parsed whole, as any JSON.
   */
  bodies?: BodyNeeds;
}

export function createDecoder(options: DecoderOptions) {
  const { defaultCluster, bodies } = options;

  function decode(records: readonly RawRecord[], out: DecodeOutput = { events: [], rejected: [] }): DecodeOutput {
    for (const rec of records) decodeOne(rec, out);
    return out;
  }

  function decodeOne(rec: RawRecord, out: DecodeOutput): void {
    let value: unknown = rec.value;
    let split = false;
    if (value === undefined) {
      // A line with bodies: parsed around them, each body parsed only if needed (body-split.ts).
      if (bodies) value = decodeSplit(rec.text, bodies);
      split = value !== undefined;
      if (!split) try {
        value = JSON.parse(rec.text);
      } catch (e) {
        out.rejected.push(rejected(rec.origin, `not valid JSON: ${jsonError(e)}`, rec.text, rec.cluster));
        return;
      }
    }
    accept(value, rec, rec.origin, undefined, 0, out, split);
  }

  /** `depthChecked`: body-split already bounded the nesting of this value. */
  function accept(value: unknown, rec: RawRecord, origin: Origin, clusterHint: string | undefined, depth: number, out: DecodeOutput, depthChecked = false): void {
    if (Array.isArray(value)) {
      // [[[[…]]]]: bounded like wrappers, or 100k nested arrays overflow the stack.
      if (depth >= MAX_WRAPPER_DEPTH) return void rejectValue(out, value, rec, origin, `data not recognized as a k8s audit event: arrays nested deeper than ${MAX_WRAPPER_DEPTH}`);
      return acceptItems(value, rec, origin, clusterHint, depth, out);
    }
    if (!isObject(value)) return void rejectValue(out, value, rec, origin, `data not recognized as a k8s audit event: a JSON ${value === null ? 'null' : typeof value}, not an object`);

    // The common case first: a log-backend line or webhook item.
    if (typeof value.auditID === 'string' || (value.kind === 'Event' && !isObject(value.protoPayload))) {
      const upgraded = needsUpgrade(value);
      if (upgraded) upgradeV1beta1(value);
      // A line too short to hold 512 levels needs no walk (most Metadata events).
      const direct = origin === rec.origin && rec.value === undefined;
      const problem = eventProblem(value) ?? (depthChecked || (direct && tooShortToNest(rec.text)) ? undefined : nestingProblem(value));
      if (problem) return void rejectValue(out, value, rec, origin, problem);
      const completed = completeAuditEvent(value);
      const record: AuditRecord = { event: value as unknown as AuditEvent, origin, cluster: rec.cluster ?? clusterHint ?? defaultCluster };
      // The line is exactly this event: keep its text for splicing into documents.
      if (direct && !upgraded && !completed) record.raw = rec.text;
      out.events.push(record);
      return;
    }
    if (depth >= MAX_WRAPPER_DEPTH) return void rejectValue(out, value, rec, origin, `data not recognized as a k8s audit event: wrappers nested deeper than ${MAX_WRAPPER_DEPTH}`);
    if (value.kind === 'EventList') {
      if (!Array.isArray(value.items)) return void rejectValue(out, value, rec, origin, 'EventList has no items array');
      return acceptItems(value.items, rec, origin, clusterHint, depth, out);
    }
    if (isGkeEntry(value)) {
      const { event, cluster } = fromGke(value);
      return accept(event, rec, origin, cluster ?? clusterHint, depth + 1, out);
    }
    if (isAksRecord(value)) {
      const result = fromAks(value);
      if (typeof result === 'string') return void rejectValue(out, value, rec, origin, result);
      return accept(result.event, rec, origin, result.cluster ?? clusterHint, depth + 1, out);
    }
    if (Array.isArray(value.records)) return acceptItems(value.records, rec, origin, clusterHint, depth, out);
    if (isCloudWatchBatch(value)) {
      const cluster = clusterFromLogGroup(value) ?? clusterHint;
      const items = (value.logEvents as unknown[]).map((e) => (isObject(e) ? parseMessage(e.message) : e));
      return acceptItems(items, rec, origin, cluster, depth, out);
    }
    if (isMessageWrapper(value)) {
      const parsed = parseMessage(value.message);
      if (parsed instanceof Unparsable) return void rejectValue(out, value, rec, origin, parsed.reason);
      return accept(parsed, rec, origin, clusterFromLogGroup(value) ?? clusterHint, depth + 1, out);
    }
    rejectValue(out, value, rec, origin, `data not recognized as a k8s audit event: ${describeKeys(value)}`);
  }

  function acceptItems(items: unknown[], rec: RawRecord, origin: Origin, clusterHint: string | undefined, depth: number, out: DecodeOutput): void {
    if (items.length === 0) return;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const itemOrigin: Origin = { ...origin, item: i + 1 };
      if (item instanceof Unparsable) {
        out.rejected.push(rejected(itemOrigin, item.reason, item.text, rec.cluster));
        continue;
      }
      accept(item, rec, itemOrigin, clusterHint, depth + 1, out);
    }
  }

  return { decode, decodeOne };
}

export type Decoder = ReturnType<typeof createDecoder>;

/** A value that is not an audit event, kept with its reason (a function, not a closure made for every value accepted). */
function rejectValue(out: DecodeOutput, value: unknown, rec: RawRecord, origin: Origin, reason: string): void {
  out.rejected.push(rejected(origin, reason, origin === rec.origin ? rec.text : safeStringify(value), rec.cluster));
}

/** v1beta1 and early v1 shapes: timestamps elsewhere, or an ObjectMeta on the event itself. */
function needsUpgrade(o: Record<string, unknown>): boolean {
  return o.stageTimestamp === undefined || o.requestReceivedTimestamp === undefined || o.metadata !== undefined || o.timestamp !== undefined;
}

function eventProblem(o: Record<string, unknown>): string | undefined {
  if (o.kind !== undefined && o.kind !== 'Event') return `data not recognized as a k8s audit event: kind ${JSON.stringify(o.kind)} is not "Event"`;
  if (o.apiVersion !== undefined && !AUDIT_API_VERSIONS.has(o.apiVersion as string)) return `apiVersion ${JSON.stringify(o.apiVersion)} is not audit.k8s.io/v1 or v1beta1`;
  const problem = auditEventProblem(o);
  return problem && `not a valid audit event: ${problem}`;
}

/** A wrapped message that failed to parse, carried as an item so it is rejected with its own origin. */
class Unparsable {
  constructor(readonly reason: string, readonly text: string) {}
}

function parseMessage(message: unknown): unknown {
  if (typeof message !== 'string') return new Unparsable('log event has no message string', '');
  try {
    return JSON.parse(message);
  } catch (e) {
    return new Unparsable(`log event message is not valid JSON: ${jsonError(e)}`, message);
  }
}

/**
 * JSON.parse's message without the input it quotes (`Unexpected token 'c', ..."assword": c3VwZXItc2"...
 * is not valid JSON`): a reason is logged and stored, and that snippet can be part of a secret.
 */
function jsonError(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
}

function describeKeys(o: Record<string, unknown>): string {
  const keys = Object.keys(o);
  if (keys.length === 0) return 'an empty object';
  if ('kind' in o) return `kind ${JSON.stringify(o.kind)} is not "Event" or "EventList"`;
  return `no auditID, kind or known wrapper among its keys (${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''})`;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch (e) {
    // Too deep to serialise (String() of nested arrays recurses too): say so instead of throwing.
    return `[${Array.isArray(v) ? 'array' : typeof v} that cannot be serialised: ${(e as Error).message}]`;
  }
}
