// Reads one audit log into batches of raw records. Shapes, decided from the first bytes:
//   - gzip (magic 1f 8b) is decompressed, then treated as below;
//   - JSON lines (the log backend): one record per line, origin file:line;
//   - one JSON document (an EventList or array, e.g. a saved webhook body, possibly pretty-printed):
//     parsed whole up to wholeDocumentLimitBytes (JSON.parse holds ~3× the text), streamed item by
//     item with stream-json beyond.
//   - binary data (NUL bytes, image magic) fails the file with an InputError: exit 1.
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import type { LineChunk } from '../../core/batch.js';
import type { RawRecord } from '../../core/record.js';
import { countLines, firstNonSpace, isBlank, lineRecord } from './line-chunk.js';

export interface ReadOptions {
  batchSize: number;
  /** Documents larger than this are streamed rather than parsed whole. */
  wholeDocumentLimitBytes: number;
  cluster?: string;
  /** Called with bytes read from the underlying file, for progress bars. */
  onBytes?: (n: number) => void;
  /**
   * Hand JSON-lines files over as byte chunks of whole lines instead of records (uncompressed
   * files; others are read as records): worker threads split them.
   */
  lineChunks?: boolean;
  /** Start at this byte offset (uncompressed line files only; follow-mode resume). */
  startOffset?: number;
  startLine?: number;
  /** JSON lines whatever the first line looks like (a broken first line that looked like a document). */
  asLines?: boolean;
}

export interface ReadBatch {
  records: RawRecord[];
  lines?: LineChunk;
  /** Lines in `lines`. */
  lineCount?: number;
  /** Byte offset after the last complete line of this batch (line mode), for checkpoints. */
  endOffset?: number;
  endLine?: number;
}

const NAMED_MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed data (decompress it first)'],
];

export async function* readAuditFile(path: string, input: Readable, options: ReadOptions): AsyncGenerator<ReadBatch> {
  let stream: Readable = input;
  const first = await peek(input);
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    stream = input.pipe(createGunzip());
  } else {
    const what = binaryKind(first);
    if (what) throw new InputError(`${path}: not an audit log: it is ${what}; pass JSON lines, an EventList or JSON array document, or a .gz of those`);
  }
  if (options.onBytes) input.on('data', (chunk: Buffer) => options.onBytes!(chunk.length));
  if (options.lineChunks && stream === input && (options.asLines || decideMode(first.toString('utf8')) === 'lines')) return yield* lineChunks(path, stream, options);
  stream.setEncoding('utf8');
  yield* splitRecords(path, stream, options, options.asLines ? 'lines' : undefined);
}

/** Reads the first chunk without consuming it. */
async function peek(input: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = input.read() as Buffer | null;
      cleanup();
      if (chunk === null) return resolve(Buffer.alloc(0));
      input.unshift(chunk);
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.alloc(0));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new InputError(`cannot read input: ${e.message}`, { cause: e }));
    };
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.on('readable', onReadable);
    input.on('end', onEnd);
    input.on('error', onError);
  });
}

function binaryKind(b: Buffer): string | undefined {
  for (const [magic, name] of NAMED_MAGIC) if (magic.every((x, i) => b[i] === x)) return name;
  const n = Math.min(b.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return 'binary data (it contains NUL bytes)';
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return n > 0 && control / n > 0.1 ? 'binary data (mostly control characters)' : undefined;
}

async function* splitRecords(path: string, stream: Readable, options: ReadOptions, knownMode?: 'lines'): AsyncGenerator<ReadBatch> {
  const { batchSize, cluster } = options;
  let lineNo = options.startLine ?? 0;
  let offset = options.startOffset ?? 0;
  let pending = '';
  let mode: 'unknown' | 'lines' | 'document' = knownMode ?? 'unknown';
  let records: RawRecord[] = [];
  const record = (text: string, line: number): RawRecord => lineRecord(text, path, line, cluster);

  // One iterator for the whole file: leaving a for-await loop would destroy the stream, and the
  // document path needs the rest of it.
  const chunks = (stream as AsyncIterable<string>)[Symbol.asyncIterator]();
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    pending += next.value;
    if (mode === 'unknown') {
      mode = decideMode(pending);
      if (mode === 'unknown') continue;
      if (mode === 'document') break;
    }
    // Byte offsets advance by the bytes of each stretch of text, counted once: counting from the
    // chunk's start at every batch cost ~5 µs per event on 1 MB chunks (bench/).
    let start = 0;
    let counted = 0;
    let nl: number;
    while ((nl = pending.indexOf('\n', start)) >= 0) {
      lineNo++;
      const line = pending.charCodeAt(nl - 1) === 13 ? pending.slice(start, nl - 1) : pending.slice(start, nl);
      start = nl + 1;
      if (line.length === 0 || isBlank(line)) continue;
      records.push(record(line, lineNo));
      if (records.length >= batchSize) {
        offset += Buffer.byteLength(pending.slice(counted, start));
        counted = start;
        yield { records, endOffset: offset, endLine: lineNo };
        records = [];
      }
    }
    if (start > 0) {
      offset += Buffer.byteLength(pending.slice(counted, start));
      pending = pending.slice(start);
    }
  }
  if (mode === 'document') {
    yield* readDocument(path, stream, chunks, pending, options);
    return;
  }
  if (pending.length > 0 && !isBlank(pending)) {
    lineNo++;
    offset += Buffer.byteLength(pending);
    records.push(record(pending.endsWith('\r') ? pending.slice(0, -1) : pending, lineNo));
  }
  if (records.length > 0) yield { records, endOffset: offset, endLine: lineNo };
}

/** Whole lines as bytes, a read (1 MB) at a time; the partial line at the end waits for the next read. */
async function* lineChunks(path: string, stream: Readable, options: ReadOptions): AsyncGenerator<ReadBatch> {
  let line = 1;
  let rest: Buffer | undefined;
  const chunk = (bytes: Uint8Array): ReadBatch => {
    const lines: LineChunk = options.cluster === undefined ? { bytes, source: path, firstLine: line } : { bytes, source: path, firstLine: line, cluster: options.cluster };
    const lineCount = countLines(bytes);
    line += lineCount;
    return { records: [], lines, lineCount };
  };
  for await (const read of stream as AsyncIterable<Buffer>) {
    const data = rest ? Buffer.concat([rest, read]) : read;
    const nl = data.lastIndexOf(10);
    if (nl < 0) {
      rest = data;
      continue;
    }
    // Copies: the bytes leave for another thread, and a view would carry the whole read buffer.
    rest = nl + 1 < data.length ? Buffer.from(data.subarray(nl + 1)) : undefined;
    yield chunk(new Uint8Array(data.subarray(0, nl + 1)));
  }
  if (rest?.length) yield chunk(new Uint8Array(rest));
}

const EVENT_LIST_START = /^\{\s*(?:"apiVersion"\s*:\s*"[^"]*"\s*,\s*)?"kind"\s*:\s*"EventList"/;

/** JSON lines if the first line is a complete JSON value; a single document if it starts one. */
function decideMode(head: string): 'unknown' | 'lines' | 'document' {
  const i = firstNonSpace(head);
  if (i < 0) return 'unknown';
  const c = head[i];
  if (c === '[') return 'document';
  if (c !== '{') return 'lines';
  // A webhook body saved as is: an EventList on one line, whose first line can be gigabytes. Its
  // kind comes first (Go's encoding order); an Event's first fields never say EventList.
  if (EVENT_LIST_START.test(head.slice(i, i + 512))) return 'document';
  const nl = head.indexOf('\n', i);
  if (nl < 0) return 'unknown';
  try {
    JSON.parse(head.slice(i, nl));
    return 'lines';
  } catch {
    // "{" alone on a line, or a pretty-printed document. A truncated first line in a JSONL file
    // lands here too; the document path then falls back to lines and rejects just that line.
    return 'document';
  }
}

async function* readDocument(path: string, stream: Readable, chunks: AsyncIterator<string>, head: string, options: ReadOptions): AsyncGenerator<ReadBatch> {
  let size = 0;
  let file = false;
  try {
    size = statSync(path).size;
    file = true;
  } catch {
    /* stdin */
  }
  if (size > options.wholeDocumentLimitBytes) {
    yield* streamDocument(path, chunks, head, options, file);
    return;
  }
  let text = head;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    text += next.value;
    // From stdin or gzip the size shows only now: stream the rest too.
    if (text.length > options.wholeDocumentLimitBytes) {
      yield* streamDocument(path, chunks, text, options, file);
      return;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not one document after all: JSON lines whose first line is broken. Reject line by line.
    const lines = text.split('\n');
    const records: RawRecord[] = [];
    lines.forEach((l, i) => {
      const line = l.endsWith('\r') ? l.slice(0, -1) : l;
      if (!isBlank(line)) records.push({ text: line, origin: { source: path, line: i + 1 }, ...(options.cluster === undefined ? {} : { cluster: options.cluster }) });
    });
    for (let i = 0; i < records.length; i += options.batchSize) yield { records: records.slice(i, i + options.batchSize) };
    return;
  }
  // Split a big EventList / array into batches of items so memory per batch stays bounded.
  const items = Array.isArray(value) ? value : isEventList(value) ? value.items : undefined;
  if (!items) {
    yield { records: [{ text, value, origin: { source: path, line: 1 }, ...(options.cluster === undefined ? {} : { cluster: options.cluster }) }] };
    return;
  }
  for (let i = 0; i < items.length; i += options.batchSize) {
    const records: RawRecord[] = [];
    for (let j = i; j < Math.min(i + options.batchSize, items.length); j++) {
      records.push({ text: '', value: items[j], origin: { source: path, item: j + 1 }, ...(options.cluster === undefined ? {} : { cluster: options.cluster }) });
    }
    yield { records };
  }
}

/**
 * Documents above the whole-document limit: stream-json, item by item, in bounded memory. A file that
 * fails to parse before its first item is JSON lines with a broken first line (decideMode could not
 * tell): it is read again as lines, so only that line is rejected. `reopen`: the path is a file.
 */
async function* streamDocument(path: string, chunks: AsyncIterator<string>, head: string, options: ReadOptions, reopen: boolean): AsyncGenerator<ReadBatch> {
  const [{ parser }, { pick }, { streamArray }, { default: chain }, { PassThrough }] = await Promise.all([
    import('stream-json'),
    import('stream-json/filters/pick.js'),
    import('stream-json/streamers/stream-array.js'),
    import('stream-chain'),
    import('node:stream'),
  ]);
  const isArray = head.trimStart().startsWith('[');
  const source = new PassThrough({ encoding: 'utf8' });
  source.write(head);
  void (async () => {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      if (!source.write(next.value)) await new Promise((r) => source.once('drain', r));
    }
    source.end();
  })().catch((e: Error) => source.destroy(e));
  const pipeline = chain([source, parser(), ...(isArray ? [] : [pick({ filter: 'items' })]), streamArray()]) as unknown as AsyncIterable<{ key: number; value: unknown }>;
  let records: RawRecord[] = [];
  let items = 0;
  try {
    for await (const { key, value } of pipeline) {
      items++;
      // As text, like a log line: stream-json's strings are slices of its input chunks, and the few
      // a detector keeps (auditIDs in a window) held whole chunks: a 200 MB EventList kept 190 MB
      // live. Strings parsed from this text are the event's own.
      records.push({ text: JSON.stringify(value), origin: { source: path, item: key + 1 }, ...(options.cluster === undefined ? {} : { cluster: options.cluster }) });
      if (records.length >= options.batchSize) {
        yield { records };
        records = [];
      }
    }
  } catch (e) {
    if (items > 0 || !reopen) throw e;
    source.destroy();
    const { onBytes: _counted, ...again } = options;
    const input = openInput(path);
    try {
      yield* readAuditFile(path, input, { ...again, asLines: true });
    } finally {
      input.destroy();
    }
    return;
  }
  if (records.length) yield { records };
}

function isEventList(v: unknown): v is { items: unknown[] } {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'EventList' && Array.isArray((v as { items?: unknown }).items);
}


export function openInput(path: string): Readable {
  return path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
}
