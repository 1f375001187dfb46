// The Kafka source: a consumer group member that hands each fetched partition batch to the pipeline
// and commits its offsets only when the pipeline has acknowledged it (every sink took it):
// at-least-once. While a batch is unacknowledged its partition does not advance, so a slow sink
// slows the consumer (backpressure) instead of growing a buffer. Poison messages become rejected
// records (with reason) and go to the dead-letter sinks; the partition keeps moving.
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import type { SourceBatch } from '../../core/batch.js';
import type { Source } from '../../core/contracts.js';
import { kafkaClientOptions } from '../../core/kafka-connection.js';
import type { RawRecord } from '../../core/record.js';
import type { KafkaSourceConfig } from './config.js';

/** An async queue between kafkajs's callbacks and the pipeline's pull. */
class BatchQueue {
  private items: SourceBatch[] = [];
  private waiter: (() => void) | undefined;
  push(b: SourceBatch): void {
    this.items.push(b);
    this.waiter?.();
  }
  async next(signal: AbortSignal): Promise<SourceBatch | undefined> {
    while (!this.items.length) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.waiter = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      this.waiter = undefined;
    }
    return this.items.shift();
  }
}

export interface KafkaSourceStats {
  messages: number;
  committed: number;
}

export function createKafkaSource(config: KafkaSourceConfig, deps: { log?: (m: string) => void } = {}) {
  const kafka = new Kafka({ ...kafkaClientOptions(config), logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: config.group_id, sessionTimeout: config.session_timeout_ms, heartbeatInterval: 3000 });
  const queue = new BatchQueue();
  const stats: KafkaSourceStats = { messages: 0, committed: 0 };
  const log = deps.log ?? ((m: string) => process.stderr.write(`k8s-audit: kafka: ${m}\n`));
  let stopping = false;
  let crashed: Error | undefined;

  async function eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const source = `kafka:${batch.topic}/${batch.partition}`;
    for (let i = 0; i < batch.messages.length; i += config.batch_size) {
      if (!isRunning() || isStale() || stopping) return;
      const messages = batch.messages.slice(i, i + config.batch_size);
      const records: RawRecord[] = messages.map((m) => {
        const header = m.headers?.[config.cluster_header];
        const rec: RawRecord = { text: m.value ? m.value.toString('utf8') : '', origin: { source, position: m.offset } };
        if (header !== undefined) rec.cluster = (Array.isArray(header) ? header[0] : header)!.toString();
        return rec;
      });
      stats.messages += records.length;
      const delivered = new Promise<void>((resolve, reject) => queue.push({ records, ack: resolve, fail: reject }));
      // Keep the group membership alive while the pipeline works on it.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 3000);
      try {
        await delivered;
      } finally {
        clearInterval(beat);
      }
      const last = messages[messages.length - 1]!.offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }] });
      stats.committed += records.length;
    }
  }

  const source: Source & { stats: KafkaSourceStats } = {
    name: `kafka:${config.topics.join(',')}`,
    stats,
    async *batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
      consumer.on(consumer.events.CRASH, (e) => {
        crashed = e.payload.error;
        log(`consumer crashed: ${e.payload.error.message}${e.payload.restart ? '; restarting' : ''}`);
      });
      await consumer.connect();
      for (const topic of config.topics) await consumer.subscribe({ topic, fromBeginning: config.start_at === 'earliest' });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: config.partitions_consumed_concurrently, eachBatch });
      while (!signal.aborted) {
        const b = await queue.next(signal);
        if (b) yield b;
      }
      if (crashed && !signal.aborted) throw crashed;
    },
    async close() {
      stopping = true;
      await consumer.disconnect();
    },
  };
  return source;
}
