import { describe, expect, it } from 'vitest';
import type { ProcessedBatch, SourceBatch } from '../../../src/core/batch.js';
import type { Sink, Source } from '../../../src/core/contracts.js';
import { createDecoder } from '../../../src/decode/decode.js';
import { createEnricher } from '../../../src/enrich/enrich.js';
import { runPipeline } from '../../../src/pipeline/run.js';
import { auditEvent, raw } from '../../helpers/events.js';
import { collectionTracker } from '../../helpers/gc.js';

function arraySource(batches: number, log: string[], pulled: { n: number }): Source {
  return {
    name: 'test',
    async *batches(): AsyncIterable<SourceBatch> {
      for (let i = 0; i < batches; i++) {
        pulled.n++;
        yield { records: [raw(auditEvent()), raw('not json')], ack: () => log.push(`ack ${i}`), fail: (e) => log.push(`fail ${i}: ${e.message}`) };
      }
    },
    async close() {},
  };
}

const parts = { decoder: createDecoder({ defaultCluster: 'c' }), enrich: createEnricher({ redact: true }) };

describe('runPipeline', () => {
  it('acknowledges batches in source order even when sinks finish out of order', async () => {
    const log: string[] = [];
    let call = 0;
    const slowFirst: Sink = { name: 's', write: () => new Promise((r) => setTimeout(r, call++ === 0 ? 30 : 1)), close: async () => {} };
    const stats = await runPipeline({ ...parts, source: arraySource(3, log, { n: 0 }), sinks: [slowFirst] }, { maxInFlight: 3 });
    expect(log).toEqual(['ack 0', 'ack 1', 'ack 2']);
    expect(stats).toMatchObject({ batches: 3, records: 6, events: 3, rejected: 3 });
  });

  it('lets go of a batch, its records and what was made of them while its write is pending', async () => {
    const tracker = collectionTracker();
    let nextWanted!: () => void;
    const source: Source = {
      name: 'idle after one',
      async *batches(): AsyncIterable<SourceBatch> {
        yield { records: tracker.track('records', [raw(auditEvent()), raw(auditEvent())]), ack: () => {}, fail: () => {} };
        // Like a webhook between requests: nothing more for now.
        await new Promise<void>((r) => (nextWanted = r));
      },
      async close() {},
    };
    let release!: () => void;
    const pending = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const sink: Sink = {
      name: 'slow',
      write: (batch) => {
        tracker.track('processed batch', batch);
        tracker.track('events', batch.events);
        written();
        return pending;
      },
      close: async () => {},
    };
    const run = runPipeline({ ...parts, source, sinks: [sink] }, { maxInFlight: 1 });
    await wrote;
    expect(await tracker.collected()).toEqual(['events', 'processed batch', 'records']);
    release();
    await new Promise((r) => setTimeout(r, 10));
    nextWanted();
    await run;
  });

  it('does not read ahead of unacknowledged batches beyond maxInFlight (backpressure)', async () => {
    const log: string[] = [];
    const pulled = { n: 0 };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seenAtFirstWrite: number[] = [];
    const blocking: Sink = { name: 'b', write: async () => { seenAtFirstWrite.push(pulled.n); await gate; }, close: async () => {} };
    const run = runPipeline({ ...parts, source: arraySource(10, log, pulled), sinks: [blocking] }, { maxInFlight: 2 });
    await new Promise((r) => setTimeout(r, 20));
    expect(pulled.n).toBe(2);
    release();
    await run;
    expect(log).toHaveLength(10);
  });

  it('fails the batch, never acknowledges it, and stops when a sink rejects', async () => {
    const log: string[] = [];
    const failing: Sink = { name: 'f', write: async (b: ProcessedBatch) => { if (b.events.length) throw new Error('disk full'); }, close: async () => {} };
    await expect(runPipeline({ ...parts, source: arraySource(2, log, { n: 0 }), sinks: [failing] })).rejects.toThrow('disk full');
    expect(log[0]).toBe('fail 0: disk full');
    expect(log.some((l) => l.startsWith('ack'))).toBe(false);
  });
});

describe('runPipeline with an idle source', () => {
  it('stops and reports a sink failure even when no further batch arrives', async () => {
    const log: string[] = [];
    // One batch, then the source waits for input that never comes (an idle webhook or topic).
    const idle: Source = {
      name: 'idle',
      async *batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
        yield { records: [raw(auditEvent())], ack: () => log.push('ack'), fail: (e) => log.push(`fail: ${e.message}`) };
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
      async close() {},
    };
    const broken: Sink = { name: 'broken', write: async () => { throw new Error('disk full'); }, close: async () => {} };
    await expect(runPipeline({ ...parts, source: idle, sinks: [broken] })).rejects.toThrow('disk full');
    expect(log).toEqual(['fail: disk full']);
  });

  it('never acknowledges a batch that follows a failed one', async () => {
    const log: string[] = [];
    let call = 0;
    const failsFirst: Sink = { name: 'f', write: () => (call++ === 0 ? new Promise((_, reject) => setTimeout(() => reject(new Error('first failed')), 20)) : Promise.resolve()), close: async () => {} };
    await expect(runPipeline({ ...parts, source: arraySource(3, log, { n: 0 }), sinks: [failsFirst] }, { maxInFlight: 3 })).rejects.toThrow('first failed');
    expect(log.filter((l) => l.startsWith('ack'))).toEqual([]);
    expect(log[0]).toBe('fail 0: first failed');
  });
});
