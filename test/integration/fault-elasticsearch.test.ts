// Elasticsearch faults between the pipeline and the real node (through test/integration/fault-proxy.ts):
// stopped for 30 s mid-stream, answering 429 to whole bulk requests and to single items, and
// rejecting documents whose fields do not fit the mapping. The pipeline must pause (offsets stay
// uncommitted, readiness goes false), retry with backoff, resume, and in the end hold every good
// event exactly once, with each unindexable one in the dead-letter file with Elasticsearch's reason.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { asMessages, auditEvents, committedTotal, indexedAuditIds, sleep, startInProcessPipeline } from './fault-helpers.js';
import { BROKERS, countDocs, createTopic, es, ES_URL, kafka, pollUntil, produce, unique } from './helpers.js';

const client = es();
const proxy = new FaultProxy(new URL(ES_URL));
afterAll(async () => {
  await proxy.stop();
  await client.indices.delete({ index: 'k8sit-esfault-*', allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
  await client.close();
});

const OUTAGE_MS = 30_000;

describe('elasticsearch faults', () => {
  it('pauses through a 30 s outage, 429s and mapping errors, and loses nothing', async () => {
    await proxy.start();
    const topic = unique('k8sit-esfault-raw');
    const group = unique('k8sit-esfault-group');
    const index = unique('k8sit-esfault');
    const dir = mkdtempSync(join(tmpdir(), 'k8sit-esfault-'));
    const deadLetter = join(dir, 'es-dead.ndjson');
    await createTopic(topic, 3);
    const events = `${index}-events`;
    const k = kafka();

    const p = startInProcessPipeline({ brokers: BROKERS, topic, groupId: group, esNode: proxy.url, index, deadLetter });
    try {
      // Phase A: normal flow.
      const a = auditEvents(1500, index, 0);
      await produce(topic, asMessages(a));
      await pollUntil('1500 documents', async () => ((await countDocs(client, events)) >= 1500 ? true : undefined), 90_000);

      // Phase B: Elasticsearch stops for 30 s while events keep arriving.
      // The stop lands while the first chunk's bulk requests are in flight.
      const b = auditEvents(1500, index, 1500);
      await produce(topic, asMessages(b.slice(0, 300)));
      await sleep(150);
      const down = Date.now();
      await proxy.stop();
      for (let i = 300; i < b.length; i += 300) {
        await produce(topic, asMessages(b.slice(i, i + 300)));
        await sleep(500);
      }
      await pollUntil('sink not ready', () => (p.sink.health.ready ? undefined : true), 20_000);
      await sleep(Math.max(0, down + 4000 - Date.now()));
      const committedEarly = await committedTotal(k, group, topic);
      const countEarly = await countDocs(client, events);
      await sleep(Math.max(0, down + OUTAGE_MS - 1000 - Date.now()));
      const committedLate = await committedTotal(k, group, topic);
      const countLate = await countDocs(client, events);
      expect(p.sink.health.ready).toBe(false);
      // Nothing moved while Elasticsearch was away: no documents, no commits.
      expect(countLate).toBe(countEarly);
      expect(committedLate).toBe(committedEarly);
      expect(committedLate).toBeLessThanOrEqual(countLate);
      const retriesDuringOutage = p.sink.stats.retries;
      expect(retriesDuringOutage).toBeGreaterThan(5);
      await sleep(Math.max(0, down + OUTAGE_MS - Date.now()));
      await proxy.start();
      const up = Date.now();
      await pollUntil('3000 documents after the outage', async () => ((await countDocs(client, events)) >= 3000 ? true : undefined), 60_000);
      const resumeSeconds = (Date.now() - up) / 1000;
      expect(p.sink.health.ready).toBe(true);
      expect(p.log.some((l) => /no response .*retrying in \d+ ms .*the source is paused/.test(l))).toBe(true);

      // Phase C: bulk queue full (whole requests and single items), and documents that do not fit the mapping.
      proxy.reject429(5);
      proxy.rejectItems429(3);
      const c = auditEvents(1000, index, 3000);
      const bad: Record<string, unknown>[] = Array.from({ length: 20 }, (_, i) => ({
        ...auditEvents(1, `${index}-bad`, i)[0]!,
        level: 'RequestResponse',
        verb: 'create',
        objectRef: { resource: 'pods', namespace: 'shop', name: `bad-${i}`, apiVersion: 'v1' },
        // `spec.hostNetwork` is mapped boolean and `runAsUser` long: Elasticsearch rejects these documents.
        requestObject: { kind: 'Pod', spec: i % 2 ? { hostNetwork: 'yes-please' } : { securityContext: { runAsUser: 'root' } } },
      }));
      const mixed = [...c];
      bad.forEach((e, i) => mixed.splice(i * 50, 0, e));
      await produce(topic, asMessages(mixed));
      await pollUntil('4000 documents and 20 dead letters', async () => ((await countDocs(client, events)) >= 4000 && p.sink.stats.deadLettered >= 20 ? true : undefined), 90_000);
      await pollUntil('all offsets committed', async () => ((await committedTotal(k, group, topic)) >= 4020 ? true : undefined), 30_000);

      p.ac.abort();
      await p.run;
      expect(proxy.counts.bulk429).toBe(5);
      expect(proxy.counts.items429).toBe(3);

      const want = [...a, ...b, ...c].map((e) => e.auditID as string).sort();
      const got = await indexedAuditIds(client, events);
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
      expect(p.sink.stats.deadLettered).toBe(20);
      const dead = readFileSync(deadLetter, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; reason: string; document: string });
      expect(dead.map((d) => d.id).sort()).toEqual(bad.map((e) => `${e.auditID as string}:ResponseComplete`).sort());
      for (const d of dead) expect(d.reason).toMatch(/^document_parsing_exception: failed to parse field \[kubernetes\.audit\.requestObject\.spec\.(hostNetwork|securityContext\.runAsUser)\]|^document_parsing_exception: \[\d+:\d+\] failed to parse field/);
      expect(await committedTotal(k, group, topic)).toBe(4020);
      console.log(
        `elasticsearch faults: outage ${OUTAGE_MS / 1000} s (${proxy.counts.refusedWhileDown} connections cut, ${retriesDuringOutage} retries, resumed in ${resumeSeconds.toFixed(1)} s), ` +
          `${proxy.counts.bulk429} bulk 429s, ${proxy.counts.items429} all-items-429 responses, 20 mapping errors dead-lettered; ${want.length} events exactly once; sink stats ${JSON.stringify(p.sink.stats)}`,
      );
    } finally {
      p.ac.abort();
      await p.run.catch(() => undefined);
    }
  }, 240_000);
});
