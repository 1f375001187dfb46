// The Kafka broker restarts under a running `k8s-audit run` (Kafka → Elasticsearch): once stopped
// cleanly (SIGTERM) and once killed (SIGKILL). The pipeline must ride it out — stay up, reconnect,
// resume from its committed offsets — and the index must end with every event exactly once.
// The shared broker on 9092 is never touched: this test starts a private one in a temporary
// SERVICES_DIR on other ports (scripts/services/lib.sh reads KAFKA_PORT/KAFKA_CONTROLLER_PORT) and
// always stops it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/events.js';
import { asMessages, auditEvents, indexedAuditIds, sleep } from './fault-helpers.js';
import { countDocs, es, ES_URL, pollUntil, unique } from './helpers.js';

const run = promisify(execFile);
const PORT = Number(process.env.FAULT_KAFKA_PORT ?? 19092);
const BROKER = `127.0.0.1:${PORT}`;
const servicesDir = mkdtempSync(join(tmpdir(), 'k8sit-kafka-'));
const env = { ...process.env, SERVICES_DIR: servicesDir, KAFKA_PORT: String(PORT), KAFKA_CONTROLLER_PORT: String(PORT + 1), SERVICES_STOP_TIMEOUT: '20' };
const services = (script: 'up.sh' | 'down.sh') => run('bash', [join(REPO_ROOT, 'scripts/services', script), 'kafka'], { env, timeout: 170_000 });

const client = es();
const children = new Set<ChildProcess>();
beforeAll(async () => {
  await services('up.sh');
}, 180_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await services('down.sh').catch((e: Error) => console.error(`stopping the private broker: ${e.message}`));
  rmSync(servicesDir, { recursive: true, force: true });
  await client.indices.delete({ index: 'k8sit-kafkarestart-*', allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
  await client.close();
}, 60_000);

const privateKafka = () => new Kafka({ clientId: 'k8s-audit-tests', brokers: [BROKER], logLevel: logLevel.NOTHING, retry: { retries: 10 } });

async function produce(topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer = privateKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  await producer.disconnect();
}

describe('kafka broker restart', () => {
  it('rides out a clean broker restart and a broker SIGKILL, losing and duplicating nothing', async () => {
    const topic = unique('k8sit-kafkarestart-raw');
    const group = unique('k8sit-kafkarestart-group');
    const index = unique('k8sit-kafkarestart');
    const admin = privateKafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const dir = mkdtempSync(join(tmpdir(), 'k8sit-kafkarestart-'));
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(
      file,
      [
        `source: { type: kafka, brokers: ['${BROKER}'], topics: [${topic}], group_id: ${group}, batch_size: 200, session_timeout_ms: 10000 }`,
        'sinks:',
        `  - { type: elasticsearch, nodes: [${ES_URL}], events_index: ${index}-events, alerts_index: ${index}-alerts, dead_letter: es-dead.ndjson }`,
        'dead_letter: rejected.ndjson',
      ].join('\n'),
    );
    const p = spawn(process.execPath, [join(REPO_ROOT, 'bin/k8s-audit.js'), 'run', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(p);
    let stderr = '';
    p.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
    let exitedEarly: number | null | undefined;
    p.once('exit', (code) => (exitedEarly = code));
    const alive = () => {
      if (exitedEarly !== undefined) throw new Error(`the pipeline exited (${exitedEarly}) during the broker restart:\n${stderr.slice(-3000)}`);
    };
    const docs = () => countDocs(client, `${index}-events`);
    const phases = [auditEvents(1500, index, 0), auditEvents(1500, index, 1500), auditEvents(1500, index, 3000)];
    const timings: string[] = [];

    await produce(topic, asMessages(phases[0]!));
    await pollUntil('1500 documents', async () => (alive(), (await docs()) >= 1500 ? true : undefined), 90_000);

    // 1. A clean restart (SIGTERM, as `down.sh` does it).
    let t0 = Date.now();
    await services('down.sh');
    await sleep(5000);
    alive();
    await services('up.sh');
    timings.push(`clean restart: broker back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    await produce(topic, asMessages(phases[1]!));
    await pollUntil('3000 documents', async () => (alive(), (await docs()) >= 3000 ? true : undefined), 120_000);
    timings.push(`caught up ${((Date.now() - t0) / 1000).toFixed(1)} s after it`);

    // 2. A crash: SIGKILL the private broker (its pid file is in our own SERVICES_DIR).
    t0 = Date.now();
    const pid = Number(readFileSync(join(servicesDir, 'run/kafka.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await pollUntil('broker gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 10_000);
    await sleep(3000);
    alive();
    await services('up.sh');
    timings.push(`SIGKILL: broker back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    await produce(topic, asMessages(phases[2]!));
    await pollUntil('4500 documents', async () => (alive(), (await docs()) >= 4500 ? true : undefined), 150_000);
    timings.push(`caught up ${((Date.now() - t0) / 1000).toFixed(1)} s after it`);

    alive();
    p.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))));
    expect(code).toBe(0);
    const want = phases.flat().map((e) => e.auditID as string).sort();
    const got = await indexedAuditIds(client, `${index}-events`);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
    console.log(`kafka broker restart: 2 restarts (${timings.join('; ')}); ${want.length} events exactly once`);
  }, 420_000);
});
