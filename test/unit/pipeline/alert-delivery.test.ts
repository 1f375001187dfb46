import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alert.js';
import { DeliveryError, TransientError } from '../../../src/core/errors.js';
import { createAlertDelivery, type AlertSender } from '../../../src/pipeline/alert-delivery.js';

const alert = (id: string) => ({ alert: { id, count: 1 } }) as Alert;
const batch = (ids: string[]) => ({ events: [], alerts: ids.map(alert), rejected: [] });
const policy = (dir: string) => ({ maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 5, deadLetterPath: join(dir, 'dead.ndjson') });

function sender(behaviour: (id: string, attempt: number) => void): AlertSender & { attempts: Map<string, number> } {
  const attempts = new Map<string, number>();
  return {
    name: 'test-output',
    attempts,
    async send(a) {
      const n = (attempts.get(a.alert.id) ?? 0) + 1;
      attempts.set(a.alert.id, n);
      behaviour(a.alert.id, n);
    },
    async close() {},
  };
}

describe('createAlertDelivery', () => {
  it('retries an output that is down until it comes back, and only then resolves the write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-delivery-'));
    const s = sender((_id, n) => { if (n < 3) throw new TransientError('connection refused'); });
    const d = createAlertDelivery(s, policy(dir), { log: () => undefined });
    await d.write(batch(['a', 'b']));
    expect(d.stats).toEqual({ delivered: 2, retries: 4, deadLettered: 0 });
    await d.close();
  });

  it('dead-letters an alert the output refuses for good at once, and one it never takes after maxAttempts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-delivery-'));
    const s = sender((id) => {
      if (id === 'refused') throw new DeliveryError('the receiver rejected the alert (400)');
      if (id === 'down') throw new TransientError('the receiver answered 503');
    });
    const d = createAlertDelivery(s, policy(dir), { log: () => undefined });
    await d.write(batch(['ok', 'refused', 'down']));
    await d.close();
    expect(s.attempts.get('refused')).toBe(1);
    expect(s.attempts.get('down')).toBe(4);
    const dead = readFileSync(join(dir, 'dead.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; alert: Alert; output: string });
    expect(dead.map((x) => x.alert.alert.id).sort()).toEqual(['down', 'refused']);
    expect(dead.find((x) => x.alert.alert.id === 'down')!.reason).toMatch(/503 \(gave up after 4 attempts\)/);
    expect(d.stats).toEqual({ delivered: 1, retries: 3, deadLettered: 2 });
  });

  it('dead-letters instead of dropping when the pipeline stops during retries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-delivery-'));
    const ac = new AbortController();
    const s = sender(() => { ac.abort(); throw new TransientError('down'); });
    const d = createAlertDelivery(s, { ...policy(dir), maxAttempts: 1000, initialBackoffMs: 10_000, maxBackoffMs: 10_000 }, { signal: ac.signal, log: () => undefined });
    await d.write(batch(['x']));
    await d.close();
    expect(readFileSync(join(dir, 'dead.ndjson'), 'utf8')).toMatch(/the pipeline stopped while retrying/);
  });
});
