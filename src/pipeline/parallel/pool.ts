// Decode, enrich and match on worker threads; windows, sequences and once-per-request settled here,
// in batch order. A batch goes to the least busy worker; results can come back out of order and
// are held until every earlier batch is settled, so alerts come out exactly as on one thread.
// Batches whose records are already parsed (webhook bodies, streamed arrays) are processed on this
// thread: cloning parsed objects to a worker costs as much as the work itself.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Alert } from '../../core/alert.js';
import type { EventFacts, SinkRecord } from '../../core/batch.js';
import type { RawRecord, RejectedRecord } from '../../core/record.js';
import { createAggregator } from '../../detect/aggregate.js';
import { loadCatalogue, type Catalogue } from '../../detect/catalogue.js';
import { createMatcher, type Finding, type Matcher } from '../../detect/match.js';
import { withAlertIds } from '../../enrich/document.js';
import { documentId, type EnrichedEvent } from '../../enrich/enrich.js';
import type { Processed, Processor } from '../process.js';
import { decodeAndEnrich, type Stages } from '../stages.js';
import { packRecords, unpackFacts, type WorkerInit, type WorkFailure, type WorkRequest, type WorkResult } from './messages.js';

/** The compiled worker; src/ and dist/ are both three levels below the package, so tests find it too. */
const WORKER = new URL('../../../dist/pipeline/parallel/worker.js', import.meta.url);
/** Batches queued per worker: enough to keep it busy while its last result travels back. */
const QUEUE_PER_WORKER = 2;

export interface PoolOptions extends WorkerInit {
  /** Worker threads; default: one per core. */
  workers?: number;
  /** The catalogue as loaded on this thread (the same files the workers load). */
  loaded?: Catalogue;
}

export interface WorkerPool extends Processor {
  readonly workers: number;
  /** Rules evaluated and alerts suppressed by exceptions, over all threads. */
  readonly stats: { evaluated: number; suppressed: number; fired: number; deduplicated: number };
}

type Matched = { records: number; events: SinkRecord[]; rejected: RejectedRecord[]; findings: Finding[]; local?: EnrichedEvent[] };

export function createWorkerPool(options: PoolOptions): WorkerPool {
  const count = Math.max(1, options.workers ?? availableParallelism());
  const catalogue = options.loaded ?? loadCatalogue(options.catalogue);
  const init: WorkerInit = { defaultCluster: options.defaultCluster, redact: options.redact, catalogue: options.catalogue, ship: options.ship };
  const aggregator = createAggregator(catalogue);
  const stats = { evaluated: 0, suppressed: 0, fired: 0, deduplicated: 0 };
  // This thread's own stages, for batches that arrive parsed.
  let local: (Pick<Stages, 'decoder' | 'enrich'> & { matcher: Matcher }) | undefined;

  const waiting = new Map<number, { resolve: (b: Processed) => void; reject: (e: Error) => void }>();
  const ready = new Map<number, Matched | Error>();
  let nextSeq = 0;
  let nextSettle = 0;
  let broken: Error | undefined;

  const threads = Array.from({ length: count }, () => {
    const w = new Worker(WORKER, { workerData: init });
    const t = { worker: w, busy: 0 };
    w.on('message', (m: WorkResult | WorkFailure) => {
      t.busy--;
      if ('error' in m) arrived(m.seq, new Error(`a worker thread failed: ${m.error} (--workers 0 / workers: 0 runs on one thread)`));
      else arrived(m.seq, unpack(m));
    });
    w.on('error', (e) => fail(new Error(`a worker thread crashed: ${e.message} (--workers 0 / workers: 0 runs on one thread)`)));
    w.on('exit', (code) => code !== 0 && !closing && fail(new Error(`a worker thread exited with code ${code}`)));
    return t;
  });
  let closing = false;

  function unpack(m: WorkResult): Matched {
    stats.evaluated += m.stats.evaluated;
    stats.suppressed += m.stats.suppressed;
    const facts = m.facts && unpackFacts(m.facts);
    const events: SinkRecord[] = m.docs && facts ? m.docs.map((doc, i) => new ShippedRecord(facts[i]!, doc, m.events?.[i])) : new Array<SinkRecord>(m.count).fill(NOT_SHIPPED);
    return { records: m.records, events, rejected: m.rejected, findings: m.findings };
  }

  function arrived(seq: number, result: Matched | Error): void {
    ready.set(seq, result);
    drain();
  }

  function drain(): void {
    while (ready.has(nextSettle)) {
      const r = ready.get(nextSettle)!;
      const w = waiting.get(nextSettle)!;
      ready.delete(nextSettle);
      waiting.delete(nextSettle);
      nextSettle++;
      if (r instanceof Error) w.reject(r);
      else {
        try {
          w.resolve(settle(r));
        } catch (e) {
          w.reject(e as Error);
        }
      }
    }
  }

  /** Windows, sequences and once-per-request, in batch order; alert ids onto their documents. */
  function settle(m: Matched): Processed {
    const raised = aggregator.aggregate(m.findings);
    stats.fired = aggregator.stats.fired;
    stats.deduplicated = aggregator.stats.deduplicated;
    const alerts: Alert[] = [];
    const ids = new Map<number, string[]>();
    for (const r of raised) {
      alerts.push(r.alert);
      const list = ids.get(r.record);
      if (list) list.push(r.alert.alert.id);
      else ids.set(r.record, [r.alert.alert.id]);
    }
    for (const [i, list] of ids) {
      if (m.local) (m.local[i]!.doc.k8s_audit.alert_ids ??= []).push(...list);
      else if (m.events[i] instanceof ShippedRecord) m.events[i].addAlertIds(list);
    }
    return { events: m.events, alerts, rejected: m.rejected, records: m.records };
  }

  function fail(e: Error): void {
    if (broken) return;
    broken = e;
    for (const [seq] of waiting) if (!ready.has(seq)) ready.set(seq, e);
    drain();
  }

  function processLocally(records: RawRecord[]): Matched {
    local ??= { ...decodeAndEnrich(catalogue, init.defaultCluster, init.redact), matcher: createMatcher(catalogue) };
    const decoded = local.decoder.decode(records);
    const events = local.enrich(decoded.events);
    const before = { ...local.matcher.stats };
    const findings = local.matcher.match(events);
    stats.evaluated += local.matcher.stats.evaluated - before.evaluated;
    stats.suppressed += local.matcher.stats.suppressed - before.suppressed;
    return { records: records.length, events, local: events, rejected: local.enrich.rejected(decoded.rejected), findings };
  }

  return {
    workers: count,
    concurrency: count * QUEUE_PER_WORKER,
    stats,
    process({ records, lines }) {
      const seq = nextSeq++;
      const result = new Promise<Processed>((resolve, reject) => waiting.set(seq, { resolve, reject }));
      if (broken) arrived(seq, broken);
      else if (!lines && records.some((r) => r.value !== undefined)) arrived(seq, processLocally(records));
      else {
        const t = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
        t.busy++;
        // Line chunks move to the worker without a copy (the reader's bytes are its own; a view of
        // a larger buffer is copied first, or the transfer would take the whole buffer).
        if (lines) {
          const own = lines.bytes.byteOffset === 0 && lines.bytes.byteLength === lines.bytes.buffer.byteLength ? lines.bytes : lines.bytes.slice();
          t.worker.postMessage({ seq, lines: { ...lines, bytes: own } } satisfies WorkRequest, [own.buffer as ArrayBuffer]);
        }
        else t.worker.postMessage({ seq, records: packRecords(records) } satisfies WorkRequest);
      }
      return result;
    },
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}

/** An event processed on a worker: its document text and facts. */
class ShippedRecord implements SinkRecord {
  readonly facts: EventFacts;
  readonly cluster: string;
  constructor(
    { facts, cluster }: { facts: EventFacts; cluster: string },
    private doc: string,
    private readonly event: string | undefined,
  ) {
    this.facts = facts;
    this.cluster = cluster;
  }
  get id(): string {
    return documentId(this.facts.auditID, this.facts.stage);
  }
  addAlertIds(ids: readonly string[]): void {
    this.doc = withAlertIds(this.doc, ids);
  }
  json(): string {
    return this.doc;
  }
  eventJson(): string {
    if (this.event === undefined) throw new Error('the worker pool was created without ship.events, so events were not shipped as JSON');
    return this.event;
  }
}

/** Stands for an event whose document was not shipped because no sink reads documents. */
const NOT_SHIPPED: SinkRecord = Object.freeze({
  get id(): string {
    return notShipped();
  },
  get cluster(): string {
    return notShipped();
  },
  get facts(): EventFacts {
    return notShipped();
  },
  json: notShipped,
  eventJson: notShipped,
});

function notShipped(): never {
  throw new Error('the worker pool was created without ship.documents, so events stayed on the worker threads');
}
