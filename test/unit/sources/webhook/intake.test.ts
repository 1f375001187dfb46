import { describe, expect, it } from 'vitest';
import { createIntake, type Answer, type PendingBatch, type Reservation } from '../../../../src/sources/webhook/intake.js';

function batch(answers: Answer[], events = 1, malformed?: string): PendingBatch {
  const b: PendingBatch = { records: [{ text: '{}', origin: { source: 'webhook/test' } }], events, bytes: 100, arrivedAt: performance.now(), answer: (a) => answers.push(a) };
  if (malformed) b.malformed = malformed;
  return b;
}

const opts = { maxPendingBatches: 2, maxPendingBytes: 1 << 20, ackTimeoutMs: 10_000 };

describe('webhook intake', () => {
  it('refuses with 503 until a pipeline is attached', () => {
    const intake = createIntake(opts);
    expect(intake.reserve(100)).toMatchObject({ status: 503, code: 'unavailable' });
  });

  it('answers 200 on ack and 503 with Retry-After on fail', async () => {
    const intake = createIntake(opts);
    const source = intake.attach();
    const answers: Answer[] = [];
    (intake.reserve(100) as Reservation).submit(batch(answers, 3));
    (intake.reserve(100) as Reservation).submit(batch(answers));
    const it = source.batches(new AbortController().signal)[Symbol.asyncIterator]();
    const first = (await it.next()).value;
    const second = (await it.next()).value;
    first.ack();
    second.fail(new Error('disk full'));
    expect(answers).toEqual([
      { status: 200, body: { status: 'accepted', events: 3 } },
      { status: 503, body: { status: 'error', reason: 'downstream failed: disk full' }, retryAfter: true },
    ]);
    expect(intake.pendingBatches()).toBe(0);
  });

  it('answers 429 past its capacity, counting reservations whose body is still being read', () => {
    const intake = createIntake(opts);
    intake.attach();
    const r1 = intake.reserve(100) as Reservation;
    (intake.reserve(100) as Reservation).submit(batch([]));
    expect(intake.reserve(100)).toMatchObject({ status: 429, code: 'overloaded' });
    r1.release();
    expect(intake.isRefusal(intake.reserve(100))).toBe(false);
  });

  it('answers a malformed body 400 only once it has been handed on (dead-lettered)', async () => {
    const intake = createIntake(opts);
    const source = intake.attach();
    const answers: Answer[] = [];
    (intake.reserve(10) as Reservation).submit(batch(answers, 0, 'not valid JSON'));
    expect(answers).toEqual([]);
    const b = (await source.batches(new AbortController().signal)[Symbol.asyncIterator]().next()).value;
    b.ack();
    expect(answers).toEqual([{ status: 400, body: { status: 'error', reason: 'not valid JSON' } }]);
  });

  it('answers every queued request 503 when the pipeline goes down, and orphans of a crashed run on close', async () => {
    const intake = createIntake({ ...opts, maxPendingBatches: 10 });
    const source = intake.attach();
    const answers: Answer[] = [];
    for (let i = 0; i < 3; i++) (intake.reserve(10) as Reservation).submit(batch(answers));
    await source.batches(new AbortController().signal)[Symbol.asyncIterator]().next();
    await source.close();
    intake.markDown('sqlite: disk I/O error');
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(answers[0]!.body.reason).toMatch(/pipeline stopped/);
    expect(answers[1]!.body.reason).toMatch(/downstream unavailable: sqlite: disk I\/O error/);
    expect(intake.reserve(10)).toMatchObject({ status: 503 });
  });

  it('on abort hands on what was admitted, then ends', async () => {
    const intake = createIntake({ ...opts, maxPendingBatches: 10 });
    const source = intake.attach();
    const ac = new AbortController();
    const answers: Answer[] = [];
    (intake.reserve(10) as Reservation).submit(batch(answers));
    const late = intake.reserve(10) as Reservation;
    ac.abort();
    intake.startDrain(); // what the source does on the same signal
    expect(intake.reserve(10)).toMatchObject({ status: 503, code: 'shutting_down' });
    const seen: number[] = [];
    const done = (async () => {
      for await (const b of source.batches(ac.signal)) {
        seen.push(1);
        b.ack();
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    late.submit(batch(answers));
    await done;
    expect(seen.length).toBe(2);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });

  it('answers 503 when the sinks do not acknowledge in time, and still frees the capacity when they do', async () => {
    const intake = createIntake({ ...opts, ackTimeoutMs: 20 });
    const source = intake.attach();
    const answers: Answer[] = [];
    (intake.reserve(10) as Reservation).submit(batch(answers));
    const b = (await source.batches(new AbortController().signal)[Symbol.asyncIterator]().next()).value;
    await new Promise((r) => setTimeout(r, 40));
    expect(answers).toEqual([expect.objectContaining({ status: 503, retryAfter: true })]);
    expect(intake.pendingBatches()).toBe(1);
    b.ack();
    expect(answers.length).toBe(1);
    expect(intake.pendingBatches()).toBe(0);
  });
});
