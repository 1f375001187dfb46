// The pipeline definition file (pipelines/*.yaml), validated once at start: unknown keys are
// errors, every problem is reported, defaults carry their units in their names.
import { readFileSync } from 'node:fs';
import { parseYaml } from '../core/yaml.js';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { WebhookSourceSchema } from '../sources/webhook/config.js';
import { ElasticsearchSinkSchema } from '../sinks/elasticsearch/config.js';
import { KafkaSinkSchema } from '../sinks/kafka/config.js';
import { KafkaSourceSchema } from '../sources/kafka/config.js';
import { AlertWebhookSinkSchema } from '../sinks/alert-webhook/config.js';
import { alertPolicyFields } from './alert-output.js';

const FileFollowSource = z
  .object({
    type: z.literal('file'),
    path: z.string().min(1),
    follow: z.boolean().default(true),
    checkpoint: z.string().optional(),
    start_at: z.enum(['beginning', 'end']).default('beginning'),
    poll_ms: z.number().int().min(10).default(250),
    batch_size: z.number().int().min(1).default(250),
    max_line_bytes: z.number().int().min(1024).default(16 * 1024 * 1024),
  })
  .strict();

const SqliteSink = z.object({ type: z.literal('sqlite'), path: z.string().min(1) }).strict();
const NdjsonSink = z.object({ type: z.literal('ndjson'), path: z.string().min(1) }).strict();
const AlertsSink = z.object({ type: z.literal('alerts'), format: z.enum(['table', 'ndjson', 'json', 'none']).default('ndjson'), ...alertPolicyFields(0) }).strict();
// Alert outputs (README "Alerts and dashboards"): each takes a severity floor and a burst window.
const AlertsFileSink = z.object({ type: z.literal('alerts_file'), path: z.string().min(1), ...alertPolicyFields(60_000) }).strict();
const AlertWebhookSink = AlertWebhookSinkSchema.extend(alertPolicyFields(60_000)).strict();
const KafkaSink = KafkaSinkSchema.extend(alertPolicyFields(60_000)).strict();
const ElasticsearchSink = ElasticsearchSinkSchema.extend(alertPolicyFields(60_000)).strict();
const Kibana = z.object({ url: z.string().url(), events_data_view: z.string().default('k8s-audit-events') }).strict();

export const PipelineConfigSchema = z
  .object({
    cluster: z.string().min(1).default('default'),
    source: z.discriminatedUnion('type', [FileFollowSource, KafkaSourceSchema, WebhookSourceSchema]),
    detect: z.object({ config: z.string().optional(), redact: z.boolean().default(true) }).strict().default({ redact: true }),
    /**
     * Worker threads for decode, enrich and matching (file and Kafka sources; a webhook's bodies
     * arrive parsed and stay on the main thread). 0: none; auto: one per core on 2+ cores.
     */
    workers: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default(0),
    sinks: z.array(z.discriminatedUnion('type', [SqliteSink, NdjsonSink, AlertsSink, ElasticsearchSink, KafkaSink, AlertsFileSink, AlertWebhookSink])).min(1),
    dead_letter: z.string().default('rejected.ndjson'),
    /** Alerts link to Kibana Discover when set. */
    kibana: Kibana.optional(),
  })
  .strict();
export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;

export function loadPipelineConfig(file: string): PipelineConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: cannot read pipeline definition: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = PipelineConfigSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top)'}: ${i.message}`));
  return r.data;
}
