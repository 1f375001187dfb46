import { z } from 'zod';
import { KafkaConnectionSchema } from '../../core/kafka-connection.js';

export const KafkaSourceSchema = KafkaConnectionSchema.extend({
  type: z.literal('kafka'),
  topics: z.array(z.string().min(1)).min(1),
  group_id: z.string().min(1).default('k8s-audit'),
  /** Where a group with no committed offset starts. */
  start_at: z.enum(['earliest', 'latest']).default('earliest'),
  /** The message header that names the cluster an event came from. */
  cluster_header: z.string().default('cluster'),
  /** Records handed to the pipeline per batch (a Kafka fetch is split into several). */
  batch_size: z.number().int().min(1).default(500),
  partitions_consumed_concurrently: z.number().int().min(1).default(2),
  session_timeout_ms: z.number().int().min(1000).default(30_000),
}).strict();
export type KafkaSourceConfig = z.infer<typeof KafkaSourceSchema>;
