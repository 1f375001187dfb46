// Builds and runs a pipeline from its definition file.
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sink, Source } from '../core/contracts.js';
import { loadCatalogue } from '../detect/catalogue.js';
import { createDetector } from '../detect/engine.js';
import { loadTuning } from '../detect/tuning.js';
import { createDeadLetterSink } from '../sinks/dead-letter/sink.js';
import { createEventsFileSink } from '../sinks/file/events-sink.js';
import { resolveElasticsearchConfig } from '../sinks/elasticsearch/config.js';
import { createElasticsearchSink } from '../sinks/elasticsearch/sink.js';
import { createKafkaSink } from '../sinks/kafka/sink.js';
import { createSqliteSink } from '../sinks/sqlite/sink.js';
import { createAlertsSink } from '../sinks/terminal/alerts-sink.js';
import { createFollowSource } from '../sources/file/follow.js';
import { createKafkaSource } from '../sources/kafka/source.js';
import { createFileSource } from '../sources/file/source.js';
import { resolveWebhookOptions } from '../sources/webhook/config.js';
import { createWebhookSource } from '../sources/webhook/source.js';
import { createAlertOutput, linkOptions, withPolicyOf } from './alert-outputs.js';
import { loadPipelineConfig, type PipelineConfig } from './config.js';
import { createProcessor, resolveWorkers } from './process.js';
import { decodeAndEnrich, type Stages } from './stages.js';
import { runPipeline, type PipelineStats } from './run.js';

export async function runFromFile(file: string, signal: AbortSignal): Promise<PipelineStats> {
  const config = loadPipelineConfig(file);
  // Paths in a pipeline file are relative to the file, so `run -c pipelines/local.yaml` works from anywhere.
  return runFromConfig(config, dirname(resolve(file)), signal, (line) => process.stderr.write(`k8s-audit: ${file}: ${line}\n`));
}

export async function runFromConfig(config: PipelineConfig, baseDir: string, signal: AbortSignal, log: (line: string) => void = () => undefined): Promise<PipelineStats> {
  const at = (p: string) => resolve(baseDir, p);
  const tuning = loadTuning(config.detect.config && at(config.detect.config));
  const catalogue = loadCatalogue({ tuning });
  if (config.source.type === 'webhook') return runWebhookFromConfig(config, at, signal, { catalogue });
  const source = createSource(config, at);
  const sinks = createSinks(config, at, signal);
  const has = (...types: string[]) => config.sinks.some((k) => types.includes(k.type));
  const ship = { documents: has('ndjson', 'elasticsearch'), events: has('sqlite', 'kafka'), facts: has('sqlite', 'kafka', 'elasticsearch') };
  const processor = createProcessor({
    workers: resolveWorkers(config.workers, Infinity, ship),
    defaultCluster: config.cluster,
    redact: config.detect.redact,
    catalogue,
    catalogueOptions: { tuning },
    ship,
  });
  return runPipeline(
    { source, sinks, processor },
    { signal, onStarted: () => log(`running: ${source.name} → ${sinks.map((k) => k.name).join(', ')}`) },
  );
}

function createSource(config: PipelineConfig, at: (p: string) => string): Source {
  const s = config.source;
  if (s.type === 'webhook') throw new Error('a webhook source is run by runWebhookFromConfig');
  if (s.type === 'kafka') return createKafkaSource(s);
  return s.follow
    ? createFollowSource({
        path: at(s.path),
        ...(s.checkpoint ? { checkpointFile: at(s.checkpoint) } : {}),
        startAt: s.start_at,
        cluster: config.cluster,
        batchSize: s.batch_size,
        pollMs: s.poll_ms,
        maxLineBytes: s.max_line_bytes,
      })
    : createFileSource({ paths: [at(s.path)], cluster: config.cluster, batchSize: s.batch_size });
}

function createSinks(config: PipelineConfig, at: (p: string) => string, signal: AbortSignal): Sink[] {
  const sinks: Sink[] = [createDeadLetterSink(at(config.dead_letter))];
  const link = linkOptions(config);
  for (const k of config.sinks) {
    if (k.type === 'sqlite') sinks.push(createSqliteSink(at(k.path), { syncEachCommit: config.source.type === 'webhook' }));
    else if (k.type === 'ndjson') sinks.push(createEventsFileSink(at(k.path)));
    else if (k.type === 'alerts') sinks.push(withPolicyOf(createAlertsSink(k.format, process.stdout, Boolean(process.stdout.isTTY)), k, link));
    else if (k.type === 'alerts_file' || k.type === 'webhook') sinks.push(createAlertOutput(k, at, signal, link));
    else if (k.type === 'elasticsearch') {
      const es = resolveElasticsearchConfig(k);
      sinks.push(withPolicyOf(createElasticsearchSink({ ...es, dead_letter: at(es.dead_letter) }, { signal }), k, link));
    } else sinks.push(withPolicyOf(createKafkaSink(k), k, link));
  }
  return sinks;
}

export interface WebhookRunHooks {
  catalogue?: ReturnType<typeof loadCatalogue>;
  /** Called once the listener is bound, with its URL (port 0 picks a free port). */
  onListening?: (url: string) => void;
  log?: (line: string) => void;
  /** First delay before re-running a failed pipeline; doubles up to 30 s. */
  retryMs?: number;
}

/**
 * A webhook pipeline. The listener outlives pipeline runs: when a run fails (a sink is unavailable)
 * the webhook answers 503 + Retry-After and /readyz says not ready while the sinks are re-created
 * with backoff; the API server re-sends, so nothing it was told we accepted is lost. Ends when
 * `signal` aborts: stop accepting, finish admitted batches, close.
 */
export async function runWebhookFromConfig(config: PipelineConfig, at: (p: string) => string, signal: AbortSignal, hooks: WebhookRunHooks = {}): Promise<PipelineStats> {
  const s = config.source;
  if (s.type !== 'webhook') throw new Error('runWebhookFromConfig needs a webhook source');
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const options = { ...resolveWebhookOptions(s, config.cluster, at), log };
  const catalogue = hooks.catalogue ?? loadCatalogue({ tuning: loadTuning(config.detect.config && at(config.detect.config)) });
  const stages: Stages = { ...decodeAndEnrich(catalogue, config.cluster, config.detect.redact), detector: createDetector(catalogue) };
  // Sinks that cannot open at start-up are a configuration error (exit 1), not a retry.
  let sinks: Sink[] | undefined = createSinks(config, at, signal);
  const webhook = createWebhookSource(options);
  const total: PipelineStats = { batches: 0, records: 0, events: 0, rejected: 0, alerts: 0, alertsBySeverity: { low: 0, medium: 0, high: 0, critical: 0 } };
  const stop = () => webhook.stopAccepting();
  try {
    await webhook.listen().catch(async (e: unknown) => {
      for (const k of sinks ?? []) await k.close().catch(() => undefined);
      throw e;
    });
    if (hooks.onListening) hooks.onListening(webhook.url);
    else log(`k8s-audit: webhook listening on ${webhook.url}`);
    signal.addEventListener('abort', stop, { once: true });
    let delay = hooks.retryMs ?? 1000;
    while (!signal.aborted) {
      try {
        sinks ??= createSinks(config, at, signal);
        const started = Date.now();
        const run = runPipeline({ ...stages, sinks, source: webhook.attach() }, { signal });
        // A run that held for a minute was a recovery: the next failure starts the backoff afresh.
        const stats = await run.finally(() => Date.now() - started > 60_000 && (delay = hooks.retryMs ?? 1000));
        for (const k of ['batches', 'records', 'events', 'rejected', 'alerts'] as const) total[k] += stats[k];
        for (const k of Object.keys(total.alertsBySeverity) as (keyof PipelineStats['alertsBySeverity'])[]) total.alertsBySeverity[k] += stats.alertsBySeverity[k];
        break;
      } catch (e) {
        sinks = undefined;
        const reason = (e as Error).message.split('\n')[0] ?? String(e);
        webhook.markDown(reason);
        log(`k8s-audit: webhook: the pipeline stopped (${reason}); answering 503 and retrying in ${Math.round(delay / 1000)} s`);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  } finally {
    signal.removeEventListener('abort', stop);
    await webhook.close();
  }
  return total;
}
