import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NdjsonWriter } from '../../../../src/sinks/file/ndjson-writer.js';

describe('NdjsonWriter', () => {
  it('appends lines and resolves once they are written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-ndjson-')), 'out.ndjson');
    const w = new NdjsonWriter(path);
    await w.write(['{"a":1}', '{"b":2}']);
    await w.write(['{"c":3}']);
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"c":3}\n');
  });

  it('writes encoded lines as they are, between strings, adjacent views of one buffer as one chunk', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'k8s-audit-ndjson-')), 'out.ndjson');
    const w = new NdjsonWriter(path);
    const bytes = Buffer.from('{"x":"ü"}\n{"y":2}\n{"z":3}\n');
    const [x, y, z] = [bytes.subarray(0, 11), bytes.subarray(11, 19), bytes.subarray(19)];
    const chunks: unknown[] = [];
    const write = (w as unknown as { open(): { write(c: unknown, cb?: unknown): boolean } }).open();
    const original = write.write.bind(write);
    write.write = (c: unknown, cb?: unknown) => (chunks.push(c), original(c, cb));
    await w.write([x, y, '{"s":1}', z]);
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('{"x":"ü"}\n{"y":2}\n{"s":1}\n{"z":3}\n');
    expect(chunks).toHaveLength(3);
  });

  it('rejects the write, naming the file, when the file cannot be written — the process survives', async () => {
    const w = new NdjsonWriter('/nonexistent-dir/out.ndjson');
    await expect(w.write(['{}'])).rejects.toThrow(/\/nonexistent-dir\/out.ndjson: cannot write: .*ENOENT/);
    await expect(w.write(['{}'])).rejects.toThrow(/cannot write/);
    await w.close();
  });
});
