// Connection settings shared by the Kafka source and sink: brokers, client id, TLS, SASL. Secrets
// are wrapped so they never print; the password may also come from KAFKA_SASL_PASSWORD.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Secret } from './secret.js';

export const KafkaConnectionSchema = z
  .object({
    brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
    client_id: z.string().default('k8s-audit'),
    ssl: z
      .union([z.boolean(), z.object({ ca_file: z.string().optional(), cert_file: z.string().optional(), key_file: z.string().optional(), reject_unauthorized: z.boolean().default(true) }).strict()])
      .default(false),
    sasl: z
      .object({ mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']), username: z.string(), password: z.string().optional() })
      .strict()
      .optional(),
    connection_timeout_ms: z.number().int().min(100).default(10_000),
  })
  .strict();
export type KafkaConnection = z.infer<typeof KafkaConnectionSchema>;

/** The options kafkajs's `new Kafka(...)` takes. */
export function kafkaClientOptions(c: KafkaConnection, env: NodeJS.ProcessEnv = process.env) {
  const password = c.sasl ? new Secret(c.sasl.password ?? env.KAFKA_SASL_PASSWORD ?? '') : undefined;
  const ssl =
    typeof c.ssl === 'boolean'
      ? c.ssl
      : {
          rejectUnauthorized: c.ssl.reject_unauthorized,
          ...(c.ssl.ca_file ? { ca: [readFileSync(c.ssl.ca_file, 'utf8')] } : {}),
          ...(c.ssl.cert_file ? { cert: readFileSync(c.ssl.cert_file, 'utf8') } : {}),
          ...(c.ssl.key_file ? { key: readFileSync(c.ssl.key_file, 'utf8') } : {}),
        };
  return {
    clientId: c.client_id,
    brokers: c.brokers,
    ssl,
    connectionTimeout: c.connection_timeout_ms,
    ...(c.sasl && password ? { sasl: { mechanism: c.sasl.mechanism, username: c.sasl.username, password: password.reveal() } as never } : {}),
  };
}
