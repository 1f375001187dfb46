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

  const sink: Sink & { stats: typeof stats } = {
    name: 'kafka',
    stats,
    async open() {
      await producer.connect();
    },
    async write(batch) {
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
      if (!topicMessages.length) return;
      try {
        await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      } catch (e) {
        throw new TransientError(`Kafka did not take the batch: ${(e as Error).message}`, { cause: e });
      }
      stats.events += topicMessages.find((t) => t.topic === config.events_topic)?.messages.length ?? 0;
      stats.alerts += batch.alerts.length && config.alerts_topic ? batch.alerts.length : 0;
      stats.deadLettered += batch.rejected.length && config.dead_letter_topic ? batch.rejected.length : 0;
    },
    async close() {
      await producer.disconnect();
    },
  };
  return sink;
}
