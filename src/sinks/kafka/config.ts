import { z } from 'zod';
import { KafkaConnectionSchema } from '../../core/kafka-connection.js';

export const KafkaSinkSchema = KafkaConnectionSchema.extend({
  type: z.literal('kafka'),
  /** Raw audit events (what the webhook received), keyed by auditID so a request's stages share a partition. */
  events_topic: z.string().optional(),
  alerts_topic: z.string().optional(),
  /** Rejected input, with its reason in the `reason` header. */
  dead_letter_topic: z.string().optional(),
}).strict();
export type KafkaSinkConfig = z.infer<typeof KafkaSinkSchema>;
