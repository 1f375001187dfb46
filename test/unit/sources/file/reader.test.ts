import { mkdtempSync, mkdirSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/core/errors.js';
import { discoverInputs } from '../../../../src/sources/file/discover.js';
import { openInput, readAuditFile, type ReadBatch } from '../../../../src/sources/file/reader.js';
import { WHOLE_DOCUMENT_LIMIT_BYTES } from '../../../../src/sources/file/source.js';
import { auditEvent } from '../../../helpers/events.js';

const opts = { batchSize: 2, wholeDocumentLimitBytes: 1 << 20 };

async function readAll(path: string, options = opts): Promise<ReadBatch[]> {
  const out: ReadBatch[] = [];
  for await (const b of readAuditFile(path, openInput(path), options)) out.push(b);
  return out;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'k8s-audit-reader-'));

describe('readAuditFile', () => {
  it('splits JSON lines into batches with file:line origins, skipping blank lines and CRLF', async () => {
    const dir = tmp();
    const p = join(dir, 'audit.log');
    writeFileSync(p, `${JSON.stringify(auditEvent())}\r\n\n${JSON.stringify(auditEvent())}\n${JSON.stringify(auditEvent())}`);
    const batches = await readAll(p);
    expect(batches.map((b) => b.records.length)).toEqual([2, 1]);
    expect(batches.flatMap((b) => b.records.map((r) => r.origin.line))).toEqual([1, 3, 4]);
    expect(batches[0]!.records[0]!.text.endsWith('\r')).toBe(false);
  });

  it('reports byte offsets that point just past the last line of each batch', async () => {
    const dir = tmp();
    const p = join(dir, 'audit.log');
    const lines = [auditEvent(), auditEvent(), auditEvent()].map((e) => `${JSON.stringify({ ...e, note: 'ünïcödé' })}\n`);
    writeFileSync(p, lines.join(''));
    const batches = await readAll(p);
    expect(batches[0]!.endOffset).toBe(Buffer.byteLength(lines[0]! + lines[1]!));
    expect(batches[1]!.endOffset).toBe(Buffer.byteLength(lines.join('')));
  });

  it('decompresses gzip by its magic bytes, whatever the name', async () => {
    const dir = tmp();
    const p = join(dir, 'audit-rotated.log');
    writeFileSync(p, gzipSync(`${JSON.stringify(auditEvent())}\n${JSON.stringify(auditEvent())}\n`));
    const batches = await readAll(p);
    expect(batches.flatMap((b) => b.records)).toHaveLength(2);
    expect(() => JSON.parse(batches[0]!.records[0]!.text)).not.toThrow();
  });

  it('reads a pretty-printed EventList document as items', async () => {
    const dir = tmp();
    const p = join(dir, 'batch.json');
    writeFileSync(p, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [auditEvent(), auditEvent(), auditEvent()] }, null, 2));
    const records = (await readAll(p)).flatMap((b) => b.records);
    expect(records).toHaveLength(3);
    expect(records.map((r) => r.origin.item)).toEqual([1, 2, 3]);
    expect(records[0]!.value).toMatchObject({ kind: 'Event' });
  });

  it('streams a document larger than the whole-document limit with stream-json', async () => {
    const dir = tmp();
    const p = join(dir, 'big.json');
    const items = Array.from({ length: 50 }, () => auditEvent());
    writeFileSync(p, JSON.stringify(items, null, 1));
    const records = (await readAll(p, { batchSize: 20, wholeDocumentLimitBytes: 1000 })).flatMap((b) => b.records);
    expect(records).toHaveLength(50);
    expect(JSON.parse(records[49]!.text)).toEqual(items[49]);
  });

  it('streams an EventList saved on one line (a webhook body as is) instead of reading it as one giant line', async () => {
    const dir = tmp();
    const p = join(dir, 'body.json');
    const items = Array.from({ length: 30 }, () => auditEvent());
    writeFileSync(p, `${JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items })}\n`);
    const records = (await readAll(p, { batchSize: 8, wholeDocumentLimitBytes: 1000 })).flatMap((b) => b.records);
    expect(records.map((r) => r.origin.item)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(JSON.parse(records[29]!.text)).toEqual(items[29]);
  });

  it('hands streamed items on as their own text, not as strings that hold whole input chunks', async () => {
    const dir = tmp();
    const p = join(dir, 'big.json');
    writeFileSync(p, JSON.stringify([auditEvent(), auditEvent()]));
    const records = (await readAll(p, { batchSize: 20, wholeDocumentLimitBytes: 10 })).flatMap((b) => b.records);
    expect(records.map((r) => [r.value, typeof r.text])).toEqual([[undefined, 'string'], [undefined, 'string']]);
  });

  it('falls back to lines when the first line is broken JSON, so only that line is rejected', async () => {
    const dir = tmp();
    const p = join(dir, 'audit.log');
    writeFileSync(p, `{"truncated":\n${JSON.stringify(auditEvent())}\n`);
    const records = (await readAll(p)).flatMap((b) => b.records);
    expect(records.map((r) => r.origin.line)).toEqual([1, 2]);
  });

  it('falls back to lines when a broken first line makes a file over the whole-document limit look like a document', async () => {
    const dir = tmp();
    for (const [name, write] of [
      ['audit.log', (p: string, t: string) => writeFileSync(p, t)],
      ['audit.log.gz', (p: string, t: string) => writeFileSync(p, gzipSync(t))],
    ] as const) {
      const p = join(dir, name);
      write(p, `{"truncated":\n${Array.from({ length: 30 }, () => JSON.stringify(auditEvent())).join('\n')}\n`);
      const records = (await readAll(p, { batchSize: 7, wholeDocumentLimitBytes: 1000 })).flatMap((b) => b.records);
      expect(records.map((r) => r.origin.line)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expect(records[0]!.text).toBe('{"truncated":');
    }
  });

  it('streams a document from stdin once it outgrows the whole-document limit, instead of failing', async () => {
    const items = Array.from({ length: 40 }, () => auditEvent());
    const text = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }, null, 2);
    const input = Readable.from(Array.from({ length: Math.ceil(text.length / 4096) }, (_, i) => Buffer.from(text.slice(i * 4096, (i + 1) * 4096))), { objectMode: false });
    const records: ReadBatch['records'] = [];
    for await (const b of readAuditFile('stdin', input, { batchSize: 16, wholeDocumentLimitBytes: 10_000 })) records.push(...b.records);
    expect(records).toHaveLength(40);
    expect(JSON.parse(records[39]!.text)).toEqual(items[39]);
  });

  it('parses single documents whole only up to 16 MB: beyond, JSON.parse would hold ~3× the text', () => {
    expect(WHOLE_DOCUMENT_LIMIT_BYTES).toBeLessThanOrEqual(16 << 20);
  });

  it('fails a binary file with a clear reason', async () => {
    const dir = tmp();
    const p = join(dir, 'image.log');
    writeFileSync(p, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
    await expect(readAll(p)).rejects.toThrow(/not an audit log: it is a PNG image/);
    await expect(readAll(p)).rejects.toBeInstanceOf(InputError);
  });

  it('reads from a stream (stdin)', async () => {
    const input = Readable.from([Buffer.from(`${JSON.stringify(auditEvent())}\n`)]);
    const out: ReadBatch[] = [];
    for await (const b of readAuditFile('stdin', input, opts)) out.push(b);
    expect(out[0]!.records[0]!.origin).toEqual({ source: 'stdin', line: 1 });
  });
});

describe('discoverInputs', () => {
  it('orders rotated files oldest first with the live log last', () => {
    const dir = tmp();
    for (const n of ['audit.log', 'audit-2026-11-20T08-30-00.000.log', 'audit-2026-11-20T08-00-00.000.log.gz', 'notes.md', '.hidden.log']) writeFileSync(join(dir, n), '');
    utimesSync(join(dir, 'audit.log'), new Date('2020-01-01'), new Date('2020-01-01'));
    mkdirSync(join(dir, 'sub'));
    expect(discoverInputs([dir]).map((p) => p.slice(dir.length + 1))).toEqual(['audit-2026-11-20T08-00-00.000.log.gz', 'audit-2026-11-20T08-30-00.000.log', 'audit.log']);
  });

  it('names a missing path and what to pass instead', () => {
    expect(() => discoverInputs(['/nonexistent/audit.log'])).toThrow(/no such file or directory; pass audit log files/);
  });
});
