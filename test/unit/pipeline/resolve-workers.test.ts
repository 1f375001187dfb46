// `--workers auto`: worker threads only where bench/ measured them paying off on two cores.
import { describe, expect, it } from 'vitest';
import { resolveWorkers } from '../../../src/pipeline/process.js';

const MB = 1024 * 1024;
const alertsOnly = { documents: false, events: false, facts: false };
const out = { documents: true, events: false, facts: false };
const store = { documents: false, events: true, facts: true };

describe('resolveWorkers', () => {
  it('keeps a number as given', () => {
    expect(resolveWorkers(0, 4096 * MB, alertsOnly, 8)).toBe(0);
    expect(resolveWorkers(3, 1, store, 1)).toBe(3);
  });

  it('auto: one worker per core for large scans printing alerts or writing documents', () => {
    expect(resolveWorkers('auto', 1024 * MB, alertsOnly, 2)).toBe(2);
    expect(resolveWorkers('auto', 1024 * MB, out, 4)).toBe(4);
  });

  it('auto: none for small inputs, one core, or a store (its writer thread needs the second core)', () => {
    expect(resolveWorkers('auto', 64 * MB, out, 2)).toBe(0);
    expect(resolveWorkers('auto', 1024 * MB, out, 1)).toBe(0);
    expect(resolveWorkers('auto', 1024 * MB, store, 2)).toBe(0);
    expect(resolveWorkers('auto', 1024 * MB, { ...out, events: true, facts: true }, 2)).toBe(0);
  });
});
