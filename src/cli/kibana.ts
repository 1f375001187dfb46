// k8s-audit kibana import: loads our data views and dashboards (kibana/k8s-audit.ndjson) into Kibana
// through its saved objects import API (POST /api/saved_objects/_import, multipart, kbn-xsrf),
// replacing earlier copies. A private CA is trusted through NODE_EXTRA_CA_CERTS.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, DeliveryError } from '../core/errors.js';
import { Secret } from '../core/secret.js';

export const SAVED_OBJECTS_FILE = new URL('../../kibana/k8s-audit.ndjson', import.meta.url);

export interface KibanaImportOptions {
  url: string;
  apiKey?: Secret;
  username?: string;
  password?: Secret;
  space?: string;
  file?: string | URL;
  fetch?: typeof fetch;
}

export interface KibanaImportResult {
  successCount: number;
  errors: { id: string; type: string; title?: string; error: { type: string; message?: string } }[];
}

export async function importSavedObjects(o: KibanaImportOptions): Promise<KibanaImportResult> {
  const base = o.url.replace(/\/+$/, '');
  const endpoint = `${base}${o.space ? `/s/${encodeURIComponent(o.space)}` : ''}/api/saved_objects/_import?overwrite=true`;
  const form = new FormData();
  form.append('file', new Blob([readFileSync(o.file ?? SAVED_OBJECTS_FILE)], { type: 'application/ndjson' }), 'k8s-audit.ndjson');
  const headers: Record<string, string> = { 'kbn-xsrf': 'k8s-audit' };
  if (o.apiKey) headers.authorization = `ApiKey ${o.apiKey.reveal()}`;
  else if (o.username) headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password?.reveal() ?? ''}`).toString('base64')}`;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(endpoint, { method: 'POST', headers, body: form });
  } catch (e) {
    throw new ConfigError(`cannot reach Kibana at ${base}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}; is the URL right?`);
  }
  const text = await res.text();
  if (res.status === 401 || res.status === 403) throw new ConfigError(`Kibana at ${base} refused the credentials (${res.status}): pass --api-key (or KIBANA_API_KEY) with the saved objects management privilege`);
  if (!res.ok) throw new DeliveryError(`Kibana at ${base} answered ${res.status} to the import: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { successCount?: number; errors?: KibanaImportResult['errors'] };
  return { successCount: body.successCount ?? 0, errors: body.errors ?? [] };
}

export function registerKibana(program: Command): void {
  const kibana = program.command('kibana').description('Kibana dashboards for the events and alerts indices');
  kibana
    .command('import')
    .description('import the data views and dashboards (kibana/k8s-audit.ndjson) into Kibana, replacing earlier copies')
    .requiredOption('--url <url>', 'Kibana base URL, e.g. https://kibana.example.com:5601')
    .option('--api-key <key>', 'a Kibana/Elasticsearch API key (or KIBANA_API_KEY)')
    .option('--username <user>', 'basic authentication instead of an API key (password from KIBANA_PASSWORD)')
    .option('--space <id>', 'the Kibana space to import into (default: the default space)')
    .option('--file <ndjson>', 'another saved-objects file')
    .action(async (opts: { url: string; apiKey?: string; username?: string; space?: string; file?: string }) => {
      const key = opts.apiKey ?? process.env.KIBANA_API_KEY;
      const r = await importSavedObjects({
        url: opts.url,
        ...(key ? { apiKey: new Secret(key) } : {}),
        ...(opts.username ? { username: opts.username, password: new Secret(process.env.KIBANA_PASSWORD ?? '') } : {}),
        ...(opts.space ? { space: opts.space } : {}),
        ...(opts.file ? { file: opts.file } : {}),
      });
      for (const e of r.errors) process.stderr.write(`k8s-audit: kibana: ${e.type} ${e.id}${e.title ? ` (${e.title})` : ''}: ${e.error.type}${e.error.message ? `: ${e.error.message}` : ''}\n`);
      process.stdout.write(`imported ${r.successCount} saved objects into ${opts.url}${opts.space ? ` (space ${opts.space})` : ''}; open Dashboards and search for "Kubernetes audit"\n`);
      if (r.errors.length) process.exitCode = 1;
    });
}
