// kill -9 at random points while `k8s-audit run` consumes from Kafka (while events are still being
// produced) and writes to Elasticsearch; after the last restart the index must hold every produced
// event exactly once — the same count and the same set of ids. The kill points come from a seeded
// generator; the seed is printed, and FAULT_SEED=<seed> replays the same schedule.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/events.js';
import { asMessages, auditEvents, faultSeed, indexedAuditIds, seededRandom, sleep } from './fault-helpers.js';
import { BROKERS, countDocs, createTopic, es, ES_URL, pollUntil, produce, unique } from './helpers.js';

const client = es();
const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await client.indices.delete({ index: 'k8sit-kill-*', allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
  await client.close();
});

const KILLS = 5;
const N = 8000;

const exited = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null || p.signalCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))));

describe('kill -9 at random points', () => {
  it(`keeps every event exactly once across ${KILLS} SIGKILLs`, async () => {
    const seed = faultSeed();
    const random = seededRandom(seed);
    const topic = unique('k8sit-kill-raw');
    const group = unique('k8sit-kill-group');
    const index = unique('k8sit-kill');
    await createTopic(topic, 3);
    const dir = mkdtempSync(join(tmpdir(), 'k8sit-kill-'));
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(
      file,
      [
        `source: { type: kafka, brokers: [${BROKERS[0]}], topics: [${topic}], group_id: ${group}, batch_size: 150, session_timeout_ms: 6000 }`,
        'sinks:',
        `  - { type: elasticsearch, nodes: [${ES_URL}], events_index: ${index}-events, alerts_index: ${index}-alerts, dead_letter: es-dead.ndjson, flush_count: 300 }`,
        'dead_letter: rejected.ndjson',
      ].join('\n'),
    );
    const run = () => {
      const p = spawn(process.execPath, [join(REPO_ROOT, 'bin/k8s-audit.js'), 'run', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
      children.add(p);
      p.once('exit', () => children.delete(p));
      return Object.assign(p, { stderrTail: () => stderr });
    };

    // Events keep arriving while the pipeline is being killed: 16 chunks over ~16 s.
    const all = auditEvents(N, index);
    const producing = (async () => {
      for (let i = 0; i < N; i += 500) {
        await produce(topic, asMessages(all.slice(i, i + 500)));
        await sleep(1000);
      }
    })();

    const schedule: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const p = run();
      const started = Date.now();
      const before = await countDocs(client, `${index}-events`);
      // Most kills land a random time after the pipeline has made progress (mid-bulk, between a bulk
      // and its commit); about one in four a random time after start (joining the group, first fetch).
      const afterProgress = random() >= 0.25;
      if (afterProgress) {
        // A fast pipeline may already have indexed everything produced so far: then there is no
        // progress to wait for until the producer's next chunk, or at all once it is done.
        await pollUntil('progress', async () => {
          const now = await countDocs(client, `${index}-events`);
          return now > before || now >= N ? true : undefined;
        }, 90_000);
        await sleep(Math.floor(random() * 2000));
      } else {
        await sleep(1000 + Math.floor(random() * 6000));
      }
      p.kill('SIGKILL');
      await exited(p);
      const count = await countDocs(client, `${index}-events`);
      schedule.push(`${afterProgress ? 'after progress' : 'timed'} at +${Date.now() - started} ms (${before}→${count} docs)`);
    }
    await producing;
    const last = run();
    await pollUntil(`${N} documents`, async () => ((await countDocs(client, `${index}-events`)) >= N ? true : undefined), 150_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${last.stderrTail()}`);
    });
    // SIGTERM once it runs: a signal during start-up, before its handler exists, just terminates
    // it (harmless, but not the clean exit checked here).
    await pollUntil('the last process running', () => (last.stderrTail().includes('running: ') ? true : undefined), 60_000);
    last.kill('SIGTERM');
    expect(await exited(last)).toBe(0);

    const want = all.map((e) => e.auditID as string).sort();
    const got = await indexedAuditIds(client, `${index}-events`);
    expect(got.length).toBe(N);
    expect(await countDocs(client, `${index}-events`)).toBe(N);
    expect(got).toEqual(want);
    console.log(`kill -9: seed ${seed} (FAULT_SEED=${seed} replays it); ${KILLS} kills: ${schedule.join('; ')}; ${N} events exactly once`);
  }, 420_000);
});
