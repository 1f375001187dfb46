// The Kafka sink: raw events, alerts and rejected input to topics. Idempotent producer, acks=all:
// a batch is acknowledged only when every partition leader and its in-sync replicas have it.
import { CompressionTypes, Kafka, logLevel, type Message } from 'kafkajs';
import type { Sink } from '../../core/contracts.js';
import { TransientError } from '../../core/errors.js';
import { kafkaClientOptions } from '../../core/kafka-connection.js';
import { formatOrigin } from '../../core/record.js';
import type { KafkaSinkConfig } from './config.js';

export function createKafkaSink(config: KafkaSinkConfig) {
  const kafka = new Kafka({ ...kafkaClientOptions(config), logLevel: logLevel.NOTHING });
  // kafkajs requires a single in-flight request for idempotence, which keeps per-partition order too.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  const stats = { events: 0, alerts: 0, deadLettered: 0 };

  /** Separate from write, which must not keep the batch while Kafka answers (core/contracts.ts Sink). */
  async function send(topicMessages: { topic: string; messages: Message[] }[], counts: typeof stats): Promise<void> {
    try {
      await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    } catch (e) {
      throw new TransientError(`Kafka did not take the batch: ${(e as Error).message}`, { cause: e });
    }
    stats.events += counts.events;
    stats.alerts += counts.alerts;
    stats.deadLettered += counts.deadLettered;
  }

  const sink: Sink & { stats: typeof stats } = {
    name: 'kafka',
    stats,
    async open() {
      await producer.connect();
    },
    write(batch) {
      const topicMessages: { topic: string; messages: Message[] }[] = [];
      if (config.events_topic && batch.events.length) {
        topicMessages.push({
          topic: config.events_topic,
          messages: batch.events.map((r) => ({ key: r.facts.auditID, value: r.eventJson(), headers: { cluster: r.cluster } })),
        });
      }
      if (config.alerts_topic && batch.alerts.length) {
        topicMessages.push({ topic: config.alerts_topic, messages: batch.alerts.map((a) => ({ key: a.alert.id, value: JSON.stringify(a), headers: { cluster: a.orchestrator.cluster.name, severity: a.rule.severity } })) });
      }
      if (config.dead_letter_topic && batch.rejected.length) {
        topicMessages.push({
          topic: config.dead_letter_topic,
          messages: batch.rejected.map((r) => ({ value: r.text, headers: { reason: r.reason, origin: formatOrigin(r.origin), ...(r.cluster ? { cluster: r.cluster } : {}) } })),
        });
      }
      const counts = {
        events: config.events_topic ? batch.events.length : 0,
        alerts: config.alerts_topic ? batch.alerts.length : 0,
        deadLettered: config.dead_letter_topic ? batch.rejected.length : 0,
      };
      return topicMessages.length ? send(topicMessages, counts) : Promise.resolve();
    },
    async close() {
      await producer.disconnect();
    },
  };
  return sink;
}
