// The alert webhook output: alerts POSTed as JSON to an HTTPS endpoint (an incident tool, a SOAR,
// a chat bridge), or as Slack-compatible `{"text": …}` messages. The bearer token may also come
// from K8S_AUDIT_WEBHOOK_TOKEN so it need not sit in a file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Secret } from '../../core/secret.js';

export const AlertWebhookSinkSchema = z
  .object({
    type: z.literal('webhook'),
    url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'use an https:// (or, on a trusted network, http://) URL'),
    encoding: z.enum(['json', 'slack']).default('json'),
    headers: z.record(z.string(), z.string()).default({}),
    token: z.string().optional(),
    ca_file: z.string().optional(),
    reject_unauthorized: z.boolean().default(true),
    timeout_ms: z.number().int().min(100).default(10_000),
    max_attempts: z.number().int().min(1).default(8),
    retry_initial_ms: z.number().int().min(1).default(500),
    retry_max_ms: z.number().int().min(1).default(60_000),
    concurrency: z.number().int().min(1).max(64).default(4),
    dead_letter: z.string().default('alerts-webhook-dead.ndjson'),
  })
  .strict();
export type AlertWebhookSinkConfig = z.infer<typeof AlertWebhookSinkSchema>;

export interface ResolvedAlertWebhookConfig {
  url: URL;
  encoding: 'json' | 'slack';
  headers: Record<string, string>;
  token?: Secret;
  ca?: string;
  rejectUnauthorized: boolean;
  timeoutMs: number;
}

export function resolveAlertWebhookConfig(c: AlertWebhookSinkConfig, at: (p: string) => string = (p) => p, env: NodeJS.ProcessEnv = process.env): ResolvedAlertWebhookConfig {
  const token = c.token ?? env.K8S_AUDIT_WEBHOOK_TOKEN;
  return {
    url: new URL(c.url),
    encoding: c.encoding,
    headers: c.headers,
    ...(token ? { token: new Secret(token) } : {}),
    ...(c.ca_file ? { ca: readFileSync(at(c.ca_file), 'utf8') } : {}),
    rejectUnauthorized: c.reject_unauthorized,
    timeoutMs: c.timeout_ms,
  };
}
