// The worker pool must be invisible in the output: the same documents, alerts (ids, order, window
// counts) and rejects as one thread, whatever order the workers finish in. It runs the compiled
// worker (dist/), which `npm test` builds first.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessedBatch, SourceBatch } from '../../../src/core/batch.js';
import type { Sink, Source } from '../../../src/core/contracts.js';
import type { RawRecord } from '../../../src/core/record.js';
import { loadCatalogue } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import { createWorkerPool } from '../../../src/pipeline/parallel/pool.js';
import { runPipeline, type PipelineParts } from '../../../src/pipeline/run.js';
import { decodeAndEnrich } from '../../../src/pipeline/stages.js';
import { createFileSource } from '../../../src/sources/file/source.js';

const lines = readFileSync(new URL('../../../samples/audit.log', import.meta.url), 'utf8').split('\n').filter(Boolean);
lines.splice(40, 0, '{"not": "an audit event"}', 'not json at all');
// Text beyond ASCII (two-, three- and four-byte UTF-8) must come through the workers' byte encoding.
lines.splice(50, 0, lines[10]!.replace(/"userAgent":"[^"]*"/, '"userAgent":"kubectl/ü ✓ 😀 \\u0000"'));

/** samples/audit.log in batches of 7; every third batch arrives parsed (as webhook bodies do). */
function samplesSource(parsedEvery = 0): Source {
  return {
    name: 'samples',
    async *batches(): AsyncIterable<SourceBatch> {
      for (let i = 0, b = 0; i < lines.length; i += 7, b++) {
        const records: RawRecord[] = lines.slice(i, i + 7).map((text, j) => ({ text, origin: { source: 'samples', line: i + j + 1 } }));
        if (parsedEvery && b % parsedEvery === 0) for (const r of records) try { r.value = JSON.parse(r.text); } catch { /* stays text */ }
        yield { records, ack: () => undefined, fail: () => undefined };
      }
    },
    async close() {},
  };
}

async function collect(stages: Omit<PipelineParts, 'source' | 'sinks'>, source: Source) {
  const out = { docs: [] as string[], docLines: [] as string[], ids: [] as string[], facts: [] as unknown[], alerts: [] as unknown[], rejected: [] as unknown[] };
  const sink: Sink = {
    name: 'collect',
    async write(b: ProcessedBatch) {
      for (const e of b.events) {
        out.docs.push(e.json());
        out.docLines.push(e.documentLine ? Buffer.from(e.documentLine()).toString('utf8') : `${e.json()}\n`);
        out.ids.push(`${e.cluster} ${e.id}`);
        out.facts.push(e.facts);
      }
      out.alerts.push(...b.alerts);
      out.rejected.push(...b.rejected);
    },
    async close() {},
  };
  const stats = await runPipeline({ ...stages, source, sinks: [sink] } as PipelineParts);
  return { ...out, stats };
}

const oneThread = () => {
  const catalogue = loadCatalogue();
  return { ...decodeAndEnrich(catalogue, 'c', true), detector: createDetector(catalogue) };
};
const pool = (workers: number) => ({ processor: createWorkerPool({ workers, defaultCluster: 'c', redact: true, catalogue: {}, ship: { documents: true, events: true, facts: true } }) });

describe('worker pool', () => {
  it('gives exactly the one-thread output: documents, alerts with window counts, rejects', async () => {
    const expected = await collect(oneThread(), samplesSource());
    const actual = await collect(pool(3), samplesSource());
    expect(expected.alerts.length).toBeGreaterThan(20);
    expect(expected.alerts.some((a) => (a as { alert: { count: number } }).alert.count > 1)).toBe(true);
    expect(actual.alerts).toEqual(expected.alerts);
    expect(actual.docs).toEqual(expected.docs);
    expect(actual.docs.some((d) => d.includes('"alert_ids"'))).toBe(true);
    expect(actual.docs.some((d) => d.includes('kubectl/ü ✓ 😀'))).toBe(true);
    // The encoded lines the file sink writes are the documents, alert ids included.
    expect(actual.docLines).toEqual(expected.docLines);
    expect(actual.ids).toEqual(expected.ids);
    expect(actual.facts).toEqual(expected.facts);
    expect(actual.rejected).toEqual(expected.rejected);
    expect(actual.stats).toEqual(expected.stats);
  });

  it('keeps batch order when some batches are processed on the main thread', async () => {
    const expected = await collect(oneThread(), samplesSource(3));
    const actual = await collect(pool(2), samplesSource(3));
    expect(actual.alerts).toEqual(expected.alerts);
    expect(actual.docs).toEqual(expected.docs);
  });

  it('splits line chunks read from a file exactly as the reader splits lines, with their line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-pool-'));
    const file = join(dir, 'audit.log');
    // CRLF, blank lines, a bad line and no newline at the end: the reader's edge cases.
    writeFileSync(file, `${lines.slice(0, 30).join('\r\n')}\n\n   \n${lines.slice(30).join('\n')}`);
    const expected = await collect(oneThread(), createFileSource({ paths: [file] }));
    const actual = await collect(pool(2), createFileSource({ paths: [file], lineChunks: true }));
    expect(actual.rejected.map((r) => (r as { origin: unknown }).origin)).toEqual(expected.rejected.map((r) => (r as { origin: unknown }).origin));
    expect(expected.rejected.length).toBe(2);
    expect(actual.alerts).toEqual(expected.alerts);
    expect(actual.docs).toEqual(expected.docs);
    // Batches differ (a chunk is a 1 MB read, not 250 records); everything they hold does not.
    expect({ ...actual.stats, batches: 0 }).toEqual({ ...expected.stats, batches: 0 });
  });

  it('ships each event\'s own JSON when asked, the original line where unchanged', async () => {
    const p = createWorkerPool({ workers: 1, defaultCluster: 'c', redact: false, catalogue: {}, ship: { documents: true, events: true, facts: true } });
    try {
      const b = await p.process({ records: [{ text: lines[0]!, origin: { source: 't' } }] });
      expect(b.events[0]!.eventJson()).toBe(lines[0]);
    } finally {
      await p.close?.();
    }
  });

  it('ships no documents when no sink reads them, and says so if one is asked for', async () => {
    const p = createWorkerPool({ workers: 1, defaultCluster: 'c', redact: true, catalogue: {}, ship: { documents: false, events: false, facts: false } });
    try {
      const b = await p.process({ records: lines.slice(0, 5).map((text) => ({ text, origin: { source: 't' } })) });
      expect(b.events).toHaveLength(5);
      expect(() => b.events[0]!.json()).toThrow(/without ship.documents/);
      expect(() => b.events[0]!.id).toThrow(/without ship.facts/);
    } finally {
      await p.close?.();
    }
  });

  it('ships documents without facts for a sink that only writes documents', async () => {
    const p = createWorkerPool({ workers: 1, defaultCluster: 'c', redact: true, catalogue: {}, ship: { documents: true, events: false, facts: false } });
    try {
      const b = await p.process({ records: lines.slice(0, 5).map((text) => ({ text, origin: { source: 't' } })) });
      expect(JSON.parse(b.events[4]!.json()).event.id).toBe(JSON.parse(lines[4]!).auditID);
      expect(Buffer.from(b.events[4]!.documentLine!()).toString()).toBe(`${b.events[4]!.json()}\n`);
      expect(() => b.events[0]!.facts).toThrow(/without ship.facts/);
    } finally {
      await p.close?.();
    }
  });

  it('fails the run with the reason when a worker cannot start', async () => {
    const broken = { processor: createWorkerPool({ workers: 1, defaultCluster: 'c', redact: true, catalogue: { dir: '/nonexistent-detectors' }, ship: { documents: true, events: false, facts: true }, loaded: loadCatalogue() }) };
    await expect(collect(broken, samplesSource())).rejects.toThrow(/worker thread/);
  });
});
