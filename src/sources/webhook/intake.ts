// The bounded hand-over between HTTP and the pipeline. Each accepted request is one pending batch;
// the pipeline pulls them as SourceBatches whose ack() answers 200 (400 for a malformed body, once
// it is safely dead-lettered) and whose fail() answers 503 + Retry-After. Capacity (batches and
// bytes not yet acknowledged) is reserved before a body is read; past it the answer is 429.
// Nothing accepted is dropped: a batch leaves only through ack or fail, and both answer.
import type { SourceBatch } from '../../core/batch.js';
import type { Source } from '../../core/contracts.js';
import type { RawRecord } from '../../core/record.js';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: boolean;
}

export interface PendingBatch {
  records: RawRecord[];
  events: number;
  bytes: number;
  /** performance.now() at the request's arrival. */
  arrivedAt: number;
  /** Set when the body is malformed as a whole: answered 400 with this reason once dead-lettered. */
  malformed?: string;
  /** Sends the HTTP answer; called at most once per request. */
  answer(a: Answer): void;
}

export type Refusal = { status: 429 | 503; reason: string; code: 'overloaded' | 'unavailable' | 'shutting_down' };

export interface Reservation {
  release(): void;
  submit(batch: PendingBatch): void;
}

export interface IntakeOptions {
  maxPendingBatches: number;
  maxPendingBytes: number;
  ackTimeoutMs: number;
  onAcknowledged?: (b: PendingBatch) => void;
  onTimeout?: (b: PendingBatch) => void;
}

interface Entry {
  batch: PendingBatch;
  answered: boolean;
  timer: NodeJS.Timeout;
}

export function createIntake(options: IntakeOptions) {
  const queue: Entry[] = [];
  const pending = new Set<Entry>();
  let reserved = 0;
  let reservedBytes = 0;
  let pendingBytes = 0;
  let pendingEvents = 0;
  let downstream: { up: boolean; reason: string } = { up: false, reason: 'the pipeline has not started' };
  let draining = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  function answerOnce(e: Entry, a: Answer): void {
    if (e.answered) return;
    e.answered = true;
    e.batch.answer(a);
  }

  /** The pipeline is done with it (acknowledged or failed): free its capacity. */
  function finish(e: Entry, a: Answer): void {
    if (!pending.delete(e)) return;
    clearTimeout(e.timer);
    pendingBytes -= e.batch.bytes;
    pendingEvents -= e.batch.events;
    answerOnce(e, a);
    notify();
  }

  const unavailable = (reason: string): Answer => ({ status: 503, body: { status: 'error', reason }, retryAfter: true });

  function refusal(bytes: number): Refusal | undefined {
    if (draining) return { status: 503, reason: 'shutting down; send again to another replica or later', code: 'shutting_down' };
    if (!downstream.up) return { status: 503, reason: `downstream unavailable: ${downstream.reason}`, code: 'unavailable' };
    if (pending.size + reserved >= options.maxPendingBatches) return { status: 429, reason: `${pending.size} batches are waiting for the sinks; retry later`, code: 'overloaded' };
    if (pendingBytes + reservedBytes + bytes > options.maxPendingBytes) return { status: 429, reason: 'too many bytes waiting for the sinks; retry later', code: 'overloaded' };
    return undefined;
  }

  return {
    /** Reserve room for one request of about `bytes` before reading its body. */
    reserve(bytes: number): Reservation | Refusal {
      const no = refusal(bytes);
      if (no) return no;
      reserved++;
      reservedBytes += bytes;
      let open = true;
      const release = () => {
        if (!open) return;
        open = false;
        reserved--;
        reservedBytes -= bytes;
        notify();
      };
      return {
        release,
        submit(batch) {
          release();
          // Refused between reservation and submission (went down, draining is fine: it was already admitted).
          if (!downstream.up) return batch.answer(unavailable(downstream.reason));
          const e: Entry = {
            batch,
            answered: false,
            timer: setTimeout(() => {
              options.onTimeout?.(batch);
              answerOnce(e, unavailable(`not acknowledged by the sinks within ${options.ackTimeoutMs} ms; send again (duplicates are ignored)`));
            }, options.ackTimeoutMs),
          };
          pending.add(e);
          pendingBytes += batch.bytes;
          pendingEvents += batch.events;
          queue.push(e);
          notify();
        },
      };
    },

    isRefusal(r: Reservation | Refusal): r is Refusal {
      return 'status' in r;
    },

    /**
     * A pipeline run's view of the intake. Its close() fails whatever the run pulled and left
     * unsettled, so a crashing run cannot strand a request.
     */
    attach(): Source {
      downstream = { up: true, reason: '' };
      const pulled = new Set<Entry>();
      // After a failed batch this run is over: end the stream so the pipeline settles and throws
      // now, rather than waiting for the next request (and holding an unobserved rejection).
      let broken = false;
      return {
        name: 'webhook',
        async *batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
          // The run's signal ends this stream. It is not the receiver's shutdown: that is
          // startDrain() (stopAccepting), which lets admitted requests through first. A run that
          // failed ends at once (the pipeline aborts its own signal); a shutdown drains.
          let runAborted = false;
          const onAbort = () => {
            runAborted = true;
            notify();
          };
          if (signal.aborted) onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          try {
            for (;;) {
              if (broken || (runAborted && !draining)) return;
              const e = queue.shift();
              if (e) {
                if (!pending.has(e)) continue;
                pulled.add(e);
                const b = e.batch;
                // The pipeline has the records now; the entry waits for its answer without them.
                const records = b.records;
                b.records = [];
                yield {
                  records,
                  ack: () => {
                    pulled.delete(e);
                    if (pending.has(e)) options.onAcknowledged?.(b);
                    finish(e, b.malformed ? { status: 400, body: { status: 'error', reason: b.malformed } } : { status: 200, body: { status: 'accepted', events: b.events } });
                  },
                  fail: (err: Error) => {
                    broken = true;
                    pulled.delete(e);
                    finish(e, unavailable(`downstream failed: ${err.message.split('\n')[0]}`));
                  },
                };
                continue;
              }
              // Draining ends once every admitted request has been handed to the pipeline.
              if (draining && reserved === 0) return;
              await new Promise<void>((r) => (wake = r));
            }
          } finally {
            signal.removeEventListener('abort', onAbort);
          }
        },
        async close() {
          for (const e of pulled) finish(e, unavailable('the pipeline stopped before this batch was written'));
          pulled.clear();
        },
      };
    },

    /** The pipeline stopped on an error: answer everything queued with 503 so the API server re-sends. */
    markDown(reason: string): void {
      downstream = { up: false, reason };
      for (const e of queue.splice(0)) finish(e, unavailable(`downstream unavailable: ${reason}`));
    },

    startDrain(): void {
      draining = true;
      notify();
    },

    state() {
      return { up: downstream.up, reason: downstream.reason, draining };
    },
    queuedBatches: () => queue.length,
    pendingBatches: () => pending.size,
    pendingEvents: () => pendingEvents,
    oldestPendingSeconds(): number {
      let oldest = Infinity;
      for (const e of pending) oldest = Math.min(oldest, e.batch.arrivedAt);
      return oldest === Infinity ? 0 : (performance.now() - oldest) / 1000;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
