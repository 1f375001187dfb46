// Elasticsearch sink configuration: from the pipeline YAML, with credentials also from the
// environment (ELASTICSEARCH_URL, ELASTICSEARCH_API_KEY, ELASTICSEARCH_USERNAME/PASSWORD,
// ELASTICSEARCH_CA_FILE) so they need not sit in a file.
import { z } from 'zod';
import { Secret } from '../../core/secret.js';

export const ElasticsearchSinkSchema = z
  .object({
    type: z.literal('elasticsearch'),
    nodes: z.array(z.string().url()).min(1).optional(),
    api_key: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    ca_file: z.string().optional(),
    /** Index names are `<prefix>-<yyyy.MM.dd>` of the event's time; the prefix is also a read alias. */
    events_index: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).default('k8s-audit-events'),
    alerts_index: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).default('k8s-audit-alerts'),
    index_period: z.enum(['daily', 'monthly', 'none']).default('daily'),
    install_templates: z.boolean().default(true),
    flush_bytes: z.number().int().min(1024).default(5 * 1024 * 1024),
    flush_count: z.number().int().min(1).default(2000),
    request_timeout_ms: z.number().int().min(100).default(30_000),
    retry_initial_ms: z.number().int().min(1).default(200),
    retry_max_ms: z.number().int().min(1).default(30_000),
    dead_letter: z.string().default('elasticsearch-rejected.ndjson'),
  })
  .strict();
export type ElasticsearchSinkConfig = z.infer<typeof ElasticsearchSinkSchema>;

export interface ResolvedElasticsearchConfig extends Omit<ElasticsearchSinkConfig, 'api_key' | 'password' | 'nodes'> {
  nodes: string[];
  apiKey?: Secret;
  password?: Secret;
}

export function resolveElasticsearchConfig(c: ElasticsearchSinkConfig, env: NodeJS.ProcessEnv = process.env): ResolvedElasticsearchConfig {
  const { api_key, password, nodes, ...rest } = c;
  const resolved: ResolvedElasticsearchConfig = {
    ...rest,
    nodes: nodes ?? (env.ELASTICSEARCH_URL ? env.ELASTICSEARCH_URL.split(',') : ['http://127.0.0.1:9200']),
  };
  const key = api_key ?? env.ELASTICSEARCH_API_KEY;
  if (key) resolved.apiKey = new Secret(key);
  const user = c.username ?? env.ELASTICSEARCH_USERNAME;
  const pass = password ?? env.ELASTICSEARCH_PASSWORD;
  if (user !== undefined) resolved.username = user;
  if (pass) resolved.password = new Secret(pass);
  const ca = c.ca_file ?? env.ELASTICSEARCH_CA_FILE;
  if (ca) resolved.ca_file = ca;
  return resolved;
}
