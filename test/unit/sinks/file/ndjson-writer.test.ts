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

  it('rejects the write, naming the file, when the file cannot be written — the process survives', async () => {
    const w = new NdjsonWriter('/nonexistent-dir/out.ndjson');
    await expect(w.write(['{}'])).rejects.toThrow(/\/nonexistent-dir\/out.ndjson: cannot write: .*ENOENT/);
    await expect(w.write(['{}'])).rejects.toThrow(/cannot write/);
    await w.close();
  });
});
