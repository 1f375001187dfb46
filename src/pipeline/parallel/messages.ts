// What crosses between the pool (main thread) and its workers. Structured cloning writes every
// object key by key, so records' origins and events' facts travel as columns of primitives and are
// rebuilt on the other side. Many texts travel as one: documents as NDJSON bytes (what their sinks
// write; the buffer is transferred, not copied) and events' JSON as one joined string. Thousands of
// separate strings per batch each became a heap object on the main thread, and collecting them
// cost it more than all its other work.
import type { EventFacts, LineChunk } from '../../core/batch.js';
import { CODE, FACT_KEYS, STRIDE, type PackedFacts } from '../../core/packed-facts.js';
import type { Origin, RawRecord, RejectedRecord } from '../../core/record.js';
import type { LoadOptions } from '../../detect/catalogue.js';
import type { Finding } from '../../detect/match.js';
import type { EnrichOptions } from '../../enrich/enrich.js';

/** Everything a worker needs to build its own decode, enrich and match stages. */
export interface WorkerInit {
  defaultCluster: string;
  redact: EnrichOptions['redact'];
  catalogue: LoadOptions;
  ship: Shipping;
}

/**
 * What the sinks downstream read, so that workers ship only that: documents (Elasticsearch,
 * NDJSON), events' own JSON (the store, Kafka), events' facts. Alerts, rejects and counts always
 * travel; a scan that only reports alerts moves almost nothing between threads.
 */
export interface Shipping {
  documents: boolean;
  events: boolean;
  /** Events' facts, id and cluster (the store, Elasticsearch and Kafka read them; an NDJSON file does not). */
  facts: boolean;
}

/** A batch: its records packed, or its line chunk (bytes transferred, not copied). */
export interface WorkRequest {
  seq: number;
  records?: PackedRecords;
  lines?: LineChunk;
}

/** One batch, matched: events as document text and facts, alerts still to be settled in order. */
export interface WorkResult {
  seq: number;
  /** Records in the batch, and events decoded from them. */
  records: number;
  count: number;
  docs?: EncodedLines;
  facts?: PackedFacts;
  events?: PackedTexts;
  rejected: RejectedRecord[];
  findings: Finding[];
}

export interface WorkFailure {
  seq: number;
  error: string;
}

export interface PackedRecords {
  texts: string[];
  /** Distinct source names; `source[i]` indexes it. */
  sources: string[];
  source: number[];
  line: (number | null)[];
  item: (number | null)[];
  position?: (string | null)[];
  cluster?: (string | null)[];
}

export function packRecords(records: readonly RawRecord[]): PackedRecords {
  const sourceIndex = new Map<string, number>();
  const p: PackedRecords = { texts: records.map((r) => r.text), sources: [], source: [], line: [], item: [] };
  let positions = false;
  let clusters = false;
  for (const r of records) {
    const o = r.origin;
    let s = sourceIndex.get(o.source);
    if (s === undefined) {
      sourceIndex.set(o.source, (s = p.sources.length));
      p.sources.push(o.source);
    }
    p.source.push(s);
    p.line.push(o.line ?? null);
    p.item.push(o.item ?? null);
    positions ||= o.position !== undefined;
    clusters ||= r.cluster !== undefined;
  }
  if (positions) p.position = records.map((r) => r.origin.position ?? null);
  if (clusters) p.cluster = records.map((r) => r.cluster ?? null);
  return p;
}

export function unpackRecords(p: PackedRecords): RawRecord[] {
  return p.source.map((s, i) => {
    const text = p.texts[i]!;
    const origin: Origin = { source: p.sources[s]! };
    if (p.line[i] !== null) origin.line = p.line[i]!;
    if (p.item[i] !== null) origin.item = p.item[i]!;
    const position = p.position?.[i];
    if (position != null) origin.position = position;
    const cluster = p.cluster?.[i];
    return cluster == null ? { text, origin } : { text, origin, cluster };
  });
}

/**
 * The facts of a packed batch, read one event at a time when a sink asks: a sink that reads only ids
 * (Elasticsearch) does not pay for building every event's facts object on the main thread.
 */
export class FactsReader {
  /** Where each event's facts start in the text; computed on first read. */
  private starts: Int32Array | undefined;
  constructor(private readonly packed: PackedFacts) {}

  facts(i: number): EventFacts {
    const facts: Record<string, string | number | null> = {};
    let at = this.start(i);
    for (let k = 0; k < FACT_KEYS.length; k++) {
      const n = this.packed.lengths[i * STRIDE + k]!;
      if (n < 0) facts[FACT_KEYS[k]!] = null;
      else {
        const v = this.packed.text.slice(at, (at += n));
        facts[FACT_KEYS[k]!] = k === CODE ? Number(v) : v;
      }
    }
    return facts as unknown as EventFacts;
  }

  /** One fact of event `i` (its cluster for 'cluster'), without building the rest. */
  field(i: number, key: (typeof FACT_KEYS)[number] | 'cluster'): string | null {
    const k = key === 'cluster' ? STRIDE - 1 : FACT_KEYS.indexOf(key);
    const lengths = this.packed.lengths;
    let at = this.start(i);
    for (let j = i * STRIDE, end = j + k; j < end; j++) if (lengths[j]! > 0) at += lengths[j]!;
    const n = lengths[i * STRIDE + k]!;
    return n < 0 ? null : this.packed.text.slice(at, at + n);
  }

  private start(i: number): number {
    if (!this.starts) {
      const lengths = this.packed.lengths;
      const starts = new Int32Array(lengths.length / STRIDE);
      let at = 0;
      for (let e = 0, j = 0; e < starts.length; e++) {
        starts[e] = at;
        for (const end = j + STRIDE; j < end; j++) if (lengths[j]! > 0) at += lengths[j]!;
      }
      this.starts = starts;
    }
    return this.starts[i]!;
  }
}

/** Texts joined into one string, with the end offset of each. */
export interface PackedTexts {
  text: string;
  ends: Int32Array;
}

export function packTexts(texts: readonly string[]): PackedTexts {
  const ends = new Int32Array(texts.length);
  let at = 0;
  for (let i = 0; i < texts.length; i++) ends[i] = at += texts[i]!.length;
  return { text: texts.join(''), ends };
}

export function textAt(p: PackedTexts, i: number): string {
  return p.text.slice(i === 0 ? 0 : p.ends[i - 1], p.ends[i]);
}

/** Texts as UTF-8 lines, each ending in a newline, and the byte offset where each line ends. */
export interface EncodedLines {
  bytes: Uint8Array;
  ends: Int32Array;
}

export function encodeLines(texts: readonly string[]): EncodedLines {
  const ends = new Int32Array(texts.length);
  let size = 0;
  for (const t of texts) size += t.length + 1;
  // Room for every text if all were ASCII (the usual case); grown when one is not.
  let buf = Buffer.allocUnsafeSlow(size + 1024);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (buf.length - at < t.length * 3 + 1) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, at + t.length * 3 + 1));
      buf.copy(bigger, 0, 0, at);
      buf = bigger;
    }
    at += buf.write(t, at);
    buf[at++] = 0x0a;
    ends[i] = at;
  }
  // Its own ArrayBuffer (allocUnsafeSlow does not pool), so it can be transferred whole.
  return { bytes: new Uint8Array(buf.buffer, 0, at), ends };
}

/** The i-th line, newline included: a view, not a copy. */
export function lineAt(p: EncodedLines, i: number): Uint8Array {
  return p.bytes.subarray(i === 0 ? 0 : p.ends[i - 1], p.ends[i]);
}
