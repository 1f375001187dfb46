// Decode, enrich and match on worker threads; windows, sequences and once-per-request settled here,
// in batch order. A batch goes to the least busy worker; results can come back out of order and
// are held until every earlier batch is settled, so alerts come out exactly as on one thread.
// Batches whose records are already parsed (webhook bodies, streamed arrays) are processed on this
// thread: cloning parsed objects to a worker costs as much as the work itself.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Alert } from '../../core/alert.js';
import { untuneHeap } from '../../core/heap.js';
import type { EventFacts, SinkRecord } from '../../core/batch.js';
import type { RawRecord, RejectedRecord } from '../../core/record.js';
import { createAggregator } from '../../detect/aggregate.js';
import { loadCatalogue, type Catalogue } from '../../detect/catalogue.js';
import { createMatcher, type Finding, type Matcher } from '../../detect/match.js';
import { withAlertIds } from '../../enrich/document.js';
import { documentId, type EnrichedEvent } from '../../enrich/enrich.js';
import type { Processed, Processor } from '../process.js';
import { decodeAndEnrich, enrichRecords, type Stages } from '../stages.js';
import { FactsReader, lineAt, packRecords, textAt, type EncodedLines, type PackedTexts, type WorkerInit, type WorkFailure, type WorkRequest, type WorkResult } from './messages.js';

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
}

/** A batch matched, on a worker (events shipped) or on this thread (`local`: the enriched events). */
type Matched = { records: number; events: SinkRecord[]; rejected: RejectedRecord[]; findings: Finding[]; local?: EnrichedEvent[] };

export function createWorkerPool(options: PoolOptions): WorkerPool {
  const count = Math.max(1, options.workers ?? availableParallelism());
  // Workers share this process's V8 flags; the tuned heap growth made them twice as slow (core/heap.ts).
  untuneHeap();
  const catalogue = options.loaded ?? loadCatalogue(options.catalogue);
  const init: WorkerInit = { defaultCluster: options.defaultCluster, redact: options.redact, catalogue: options.catalogue, ship: options.ship };
  const aggregator = createAggregator(catalogue);
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
    if (!m.docs && !m.events && !m.facts) return { records: m.records, events: new Array<SinkRecord>(m.count).fill(NOT_SHIPPED), rejected: m.rejected, findings: m.findings };
    const shipment: Shipment = { docs: m.docs && { ...m.docs, buffer: Buffer.from(m.docs.bytes.buffer, m.docs.bytes.byteOffset, m.docs.bytes.byteLength) }, events: m.events, facts: m.facts && new FactsReader(m.facts) };
    const events = new Array<SinkRecord>(m.count);
    for (let i = 0; i < m.count; i++) events[i] = new ShippedRecord(shipment, i);
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
    const alerts: Alert[] = [];
    for (const { alert, record } of aggregator.aggregate(m.findings)) {
      alerts.push(alert);
      const rec = m.events[record];
      if (rec instanceof ShippedRecord) (rec.alertIds ??= []).push(alert.alert.id);
      else if (m.local) (m.local[record]!.doc.k8s_audit.alert_ids ??= []).push(alert.alert.id);
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
    const { events, rejected } = enrichRecords(local, records);
    return { records: records.length, events, local: events, rejected, findings: local.matcher.match(events) };
  }

  return {
    workers: count,
    concurrency: count * QUEUE_PER_WORKER,
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

/** What a worker sent back for one batch: each event's parts the sinks read, by position. */
interface Shipment {
  docs: (EncodedLines & { buffer: Buffer }) | undefined;
  events: PackedTexts | undefined;
  facts: FactsReader | undefined;
}

/** An event processed on a worker: the `i`-th of its batch's shipment. */
class ShippedRecord implements SinkRecord {
  /** Alerts settled after the document was serialised; spliced in when it is first read. */
  alertIds: string[] | undefined;
  private doc: string | undefined;
  private factsRead: EventFacts | undefined;
  constructor(
    private readonly shipment: Shipment,
    private readonly i: number,
  ) {}
  get facts(): EventFacts {
    return (this.factsRead ??= this.shipped().facts(this.i));
  }
  get cluster(): string {
    return this.shipped().field(this.i, 'cluster')!;
  }
  get id(): string {
    const f = this.factsRead;
    return f ? documentId(f.auditID, f.stage) : documentId(this.shipped().field(this.i, 'auditID')!, this.shipped().field(this.i, 'stage')!);
  }
  private shipped(): FactsReader {
    return this.shipment.facts ?? notShipped('ship.facts');
  }
  json(): string {
    if (this.doc !== undefined) return this.doc;
    const docs = this.shipment.docs ?? notShipped('ship.documents');
    const text = docs.buffer.toString('utf8', this.i === 0 ? 0 : docs.ends[this.i - 1], docs.ends[this.i]! - 1);
    return (this.doc = this.alertIds ? withAlertIds(text, this.alertIds) : text);
  }
  documentLine(): Uint8Array {
    if (this.alertIds) return Buffer.from(`${this.json()}\n`);
    return lineAt(this.shipment.docs ?? notShipped('ship.documents'), this.i);
  }
  eventJson(): string {
    return textAt(this.shipment.events ?? notShipped('ship.events'), this.i);
  }
}

/** Stands for an event of which nothing was shipped: no sink reads events, only alerts. */
const NOT_SHIPPED: SinkRecord = Object.freeze({
  get id(): string {
    return notShipped('ship.facts');
  },
  get cluster(): string {
    return notShipped('ship.facts');
  },
  get facts(): EventFacts {
    return notShipped('ship.facts');
  },
  json: () => notShipped('ship.documents'),
  eventJson: () => notShipped('ship.events'),
});

function notShipped(option: string): never {
  throw new Error(`the worker pool was created without ${option}, so that stayed on the worker threads`);
}
