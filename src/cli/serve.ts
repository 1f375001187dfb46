// k8s-audit serve: the webhook backend with the embedded default — kube-apiserver POSTs audit
// events here; they go into the SQLite store, alerts to stdout. The same as `run -c` with a webhook
// source, a sqlite sink and an alerts sink, built from flags.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import type { AlertFormat } from '../sinks/terminal/alerts-sink.js';
import { alertFormat, positiveInt } from './options.js';

interface ServeOptions {
  listen: string;
  path: string;
  store: string;
  alerts: AlertFormat;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  clientCluster?: Record<string, string>;
  tokenFile?: string;
  cluster: string;
  config?: string;
  deadLetter: string;
  maxBodyBytes?: number;
  redact: boolean;
}

function cnCluster(v: string, acc: Record<string, string> = {}): Record<string, string> {
  const i = v.lastIndexOf('=');
  if (i <= 0 || i === v.length - 1) throw new InvalidArgumentError('use CN=CLUSTER, e.g. kube-apiserver-prod=prod-eu-1');
  return { ...acc, [v.slice(0, i)]: v.slice(i + 1) };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the audit webhook backend with the embedded default: events into --store, alerts to stdout')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:9765')
    .option('--path <path>', 'URL path; POST to <path> or <path>/<cluster>', '/k8s-audit')
    .option('--store <file>', 'the embedded SQLite store for events, alerts and rejected input', 'audit.db')
    .option('--alerts <format>', 'how alerts are printed: ndjson|table|json|none (table and json print at shutdown)', alertFormat, 'ndjson' as AlertFormat)
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'the key of --tls-cert (PEM)')
    .option('--client-ca <file>', 'require client certificates signed by this CA (PEM)')
    .option('--client-cluster <cn=cluster>', 'a client certificate with this subject CN speaks for this cluster (repeatable)', cnCluster)
    .option('--token-file <file>', 'require a bearer token: one per line, TOKEN or TOKEN,CLUSTER')
    .option('--cluster <name>', 'cluster name when neither the URL nor the credential names one', 'default')
    .option('--config <file>', 'tuning: allow-lists, exceptions, rule enable/disable, severity floor')
    .option('--dead-letter <file>', 'where rejected input is kept, with its reason', 'rejected.ndjson')
    .option('--max-body-bytes <n>', 'largest accepted request body (default 16 MiB, above the API server’s 10 MiB batches)', positiveInt)
    .option('--no-redact', 'keep secret values and tokens (never do this for data that leaves the machine)')
    .action(async (opts: ServeOptions) => {
      process.exitCode = await serve(opts);
    });
}

async function serve(opts: ServeOptions): Promise<number> {
  const clientClusters = opts.clientCluster ?? {};
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new ConfigError('--tls-cert and --tls-key go together');
  if (opts.clientCa && !opts.tlsCert) throw new ConfigError('--client-ca needs --tls-cert and --tls-key: client certificates are only checked over HTTPS');
  if (Object.keys(clientClusters).length && !opts.clientCa) throw new ConfigError('--client-cluster needs --client-ca');
  // Loaded here, not at start-up: the pipeline's configuration schema and its Kafka and
  // Elasticsearch clients take ~400 ms to import.
  const [{ PipelineConfigSchema }, { runWebhookFromConfig }] = await Promise.all([import('../pipeline/config.js'), import('../pipeline/from-config.js')]);
  const parsed = PipelineConfigSchema.safeParse({
    cluster: opts.cluster,
    source: {
      type: 'webhook',
      listen: opts.listen,
      path: opts.path,
      ...(opts.tlsCert && opts.tlsKey
        ? { tls: { cert: opts.tlsCert, key: opts.tlsKey, ...(opts.clientCa ? { client_ca: opts.clientCa } : {}), ...(Object.keys(clientClusters).length ? { client_clusters: clientClusters } : {}) } }
        : {}),
      ...(opts.tokenFile ? { token_file: opts.tokenFile } : {}),
      ...(opts.maxBodyBytes ? { max_body_bytes: opts.maxBodyBytes } : {}),
    },
    detect: { ...(opts.config ? { config: opts.config } : {}), redact: opts.redact },
    sinks: [
      { type: 'sqlite', path: opts.store },
      { type: 'alerts', format: opts.alerts },
    ],
    dead_letter: opts.deadLetter,
  });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`));

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const stats = await runWebhookFromConfig(parsed.data, (p) => resolve(p), controller.signal, {
      onListening: (url) => process.stderr.write(`k8s-audit: webhook listening on ${url} (POST audit EventLists; GET /healthz /readyz /metrics); store ${opts.store}\n`),
    });
    process.stderr.write(`k8s-audit: stopped: ${stats.events} events in ${stats.batches} batches; ${stats.rejected} rejected (kept in ${opts.deadLetter}); ${stats.alerts} alerts\n`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
