// The Elasticsearch sink: a batch is acknowledged once every document in it is indexed (or was
// already there, or is in the dead-letter file with Elasticsearch's reason). Request-level
// failures (connection, 429, 5xx) are retried without bound, which holds the batch, which holds the
// source: backpressure instead of loss. Item-level 429/5xx are retried alone; other item errors are
// dead-lettered and never block the rest.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@elastic/elasticsearch';
import type { Sink } from '../../core/contracts.js';
import { DeliveryError, TransientError } from '../../core/errors.js';
import { NdjsonWriter } from '../file/ndjson-writer.js';
import type { ResolvedElasticsearchConfig } from './config.js';
import { alertItem, chunk, eventItem, type BulkItem } from './encode.js';
import { checkCluster, describeEsError } from './health.js';
import { backoffMs, classifyItem, classifyRequest } from './retry.js';
import { ALERT_MAPPINGS, EVENT_MAPPINGS, indexTemplate } from './templates.js';

export interface ElasticsearchSinkStats {
  indexed: number;
  duplicates: number;
  deadLettered: number;
  retries: number;
}

export interface ElasticsearchSinkDeps {
  signal?: AbortSignal;
  log?: (message: string) => void;
}

interface BulkResponseItem {
  status: number;
  error?: { type?: string; reason?: string };
}

/** What the sink reads of a bulk answer: items keep their order, each with its status and error. */
const BULK_FILTER = 'items.*.status,items.*.error';

export function createElasticsearchSink(config: ResolvedElasticsearchConfig, deps: ElasticsearchSinkDeps = {}) {
  const client = new Client({
    nodes: config.nodes,
    ...(config.apiKey ? { auth: { apiKey: config.apiKey.reveal() } } : config.username ? { auth: { username: config.username, password: config.password?.reveal() ?? '' } } : {}),
    ...(config.ca_file ? { tls: { ca: readFileSync(config.ca_file) } } : {}),
    maxRetries: 0,
    requestTimeout: config.request_timeout_ms,
  });
  const deadLetter = new NdjsonWriter(config.dead_letter, 'a');
  const stats: ElasticsearchSinkStats = { indexed: 0, duplicates: 0, deadLettered: 0, retries: 0 };
  const health = { ready: false, lastError: undefined as string | undefined };
  const log = deps.log ?? ((m: string) => process.stderr.write(`k8s-audit: elasticsearch: ${m}\n`));

  async function installTemplates(): Promise<void> {
    for (const [prefix, mappings] of [[config.events_index, EVENT_MAPPINGS], [config.alerts_index, ALERT_MAPPINGS]] as const) {
      await client.indices.putIndexTemplate(indexTemplate(prefix, mappings) as never);
    }
  }

  /** Sends one bulk request until Elasticsearch answers it; returns its per-item results. */
  async function sendUntilAnswered(items: BulkItem[]): Promise<BulkResponseItem[]> {
    for (let attempt = 0; ; attempt++) {
      // Stopping ends the retries, not the first try: what is written while closing (burst
      // summaries, the last batch) still gets one attempt.
      if (attempt > 0 && deps.signal?.aborted) throw new TransientError('stopped while Elasticsearch was unavailable; the batch stays unacknowledged');
      let status: number | undefined;
      let name: string | undefined;
      try {
        // Only each item's status and error come back: the full answer (index, id, version, shards…
        // per item) was ~200 bytes a document to receive and parse.
        const res = await client.bulk({ operations: items.map((i) => i.lines).join('') as never, filter_path: BULK_FILTER }, { meta: true });
        health.ready = true;
        return (res.body.items as Record<string, BulkResponseItem>[]).map((it) => Object.values(it)[0]!);
      } catch (e) {
        const f = describeEsError(e);
        status = f.status;
        name = f.name;
        health.lastError = f.message;
      }
      const decision = classifyRequest(status, name);
      if (decision.action === 'fatal') throw new DeliveryError(`Elasticsearch: ${decision.reason}`);
      // A thrown error always carries a status or none: 'done' cannot happen here.
      const reason = decision.action === 'retry' ? decision.reason : `unexpected answer ${status}`;
      health.ready = false;
      stats.retries++;
      const wait = backoffMs(attempt, config.retry_initial_ms, config.retry_max_ms);
      if (attempt === 0 || attempt % 10 === 0) log(`${reason}; retrying in ${wait} ms (attempt ${attempt + 1}); the source is paused meanwhile`);
      await sleep(wait, undefined, deps.signal ? { signal: deps.signal } : undefined).catch(() => undefined);
    }
  }

  async function deliver(items: BulkItem[]): Promise<void> {
    let pending = items;
    for (let round = 0; pending.length; round++) {
      const retry: BulkItem[] = [];
      const dead: string[] = [];
      for (const part of chunk(pending, config.flush_bytes, config.flush_count)) {
        const results = await sendUntilAnswered(part);
        results.forEach((r, i) => {
          const item = part[i]!;
          const outcome = classifyItem(r.status, item.kind === 'event' ? 'create' : 'index');
          if (outcome === 'ok') stats.indexed++;
          else if (outcome === 'duplicate') stats.duplicates++;
          else if (outcome === 'retry') retry.push(item);
          else dead.push(JSON.stringify({ '@timestamp': new Date().toISOString(), reason: `${r.error?.type ?? r.status}: ${r.error?.reason ?? ''}`, kind: item.kind, id: item.id, document: item.source }));
        });
      }
      if (dead.length) {
        await deadLetter.write(dead);
        stats.deadLettered += dead.length;
        log(`${dead.length} document(s) rejected by Elasticsearch, kept in ${config.dead_letter}`);
      }
      pending = retry;
      if (retry.length) {
        stats.retries++;
        await sleep(backoffMs(round, config.retry_initial_ms, config.retry_max_ms), undefined, deps.signal ? { signal: deps.signal } : undefined).catch(() => undefined);
        if (deps.signal?.aborted) throw new TransientError('stopped while Elasticsearch was busy; the batch stays unacknowledged');
      }
    }
  }

  const sink: Sink & { stats: ElasticsearchSinkStats; health: typeof health; client: Client } = {
    name: 'elasticsearch',
    stats,
    health,
    client,
    async open() {
      await checkCluster(client, config.nodes);
      if (config.install_templates) await installTemplates();
      health.ready = true;
    },
    // Not async: the batch is let go once its bulk lines are built (core/contracts.ts Sink).
    write(batch) {
      const items: BulkItem[] = [];
      for (const rec of batch.events) items.push(eventItem(rec, config.events_index, config.index_period));
      for (const a of batch.alerts) items.push(alertItem(a, config.alerts_index, config.index_period));
      return items.length ? deliver(items) : Promise.resolve();
    },
    async close() {
      await deadLetter.close();
      await client.close();
    },
  };
  return sink;
}
