// JSON lines read as bytes (core/batch.ts LineChunk) into records: one per non-blank line, CRLF
// tolerated, origin file:line — as the reader splits text it decodes itself.
import { Buffer } from 'node:buffer';
import type { LineChunk } from '../../core/batch.js';
import type { RawRecord } from '../../core/record.js';

export function splitLineChunk(chunk: LineChunk): RawRecord[] {
  const text = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength).toString('utf8');
  const { source, cluster } = chunk;
  const out: RawRecord[] = [];
  let lineNo = chunk.firstLine - 1;
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    lineNo++;
    const line = text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
    start = nl + 1;
    if (line.length === 0 || isBlank(line)) continue;
    out.push(lineRecord(line, source, lineNo, cluster));
  }
  return out;
}

/** One line's record: origin file:line, and the cluster the source vouches for, if any. */
export function lineRecord(text: string, source: string, line: number, cluster: string | undefined): RawRecord {
  return cluster === undefined ? { text, origin: { source, line } } : { text, origin: { source, line }, cluster };
}

/** How many lines a chunk of whole lines holds (a last line without its newline counts). */
export function countLines(bytes: Uint8Array): number {
  let n = 0;
  let at = -1;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while ((at = b.indexOf(10, at + 1)) >= 0) n++;
  return bytes.byteLength > 0 && bytes[bytes.byteLength - 1] !== 10 ? n + 1 : n;
}

/** Index of the first character that is not whitespace or a BOM; -1 if none. */
export function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

export function isBlank(s: string): boolean {
  return firstNonSpace(s) < 0;
}
