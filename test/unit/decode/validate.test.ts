import { describe, expect, it } from 'vitest';
import { auditEventProblem, isPlainUtcTimestamp, MAX_NESTING, nestingProblem, tooShortToNest } from '../../../src/decode/validate.js';
import { auditEvent } from '../../helpers/events.js';

describe('timestamps', () => {
  it('takes without Date.parse only what Date.parse takes: every month, day, hour and minute', () => {
    let fast = 0;
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        for (const time of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '09:05:07.1', '09:05:07.123456789', '09:05:07.']) {
          const ts = `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time}Z`;
          if (!isPlainUtcTimestamp(ts)) continue;
          fast++;
          expect({ ts, parses: !Number.isNaN(Date.parse(ts)) }).toEqual({ ts, parses: true });
        }
      }
    }
    expect(fast).toBeGreaterThan(12 * 31 * 3);
  });

  it('still accepts what only Date.parse takes, and rejects what it does not', () => {
    const withStamp = (s: unknown) => auditEventProblem(auditEvent({ stageTimestamp: s }));
    for (const ok of ['2026-11-20T09:00:00+01:00', '2026-11-20 09:00:00Z', '2026-11-20', '2026-11-20T24:00:00Z', 'Nov 20 2026']) expect(withStamp(ok)).toBeUndefined();
    for (const bad of ['2026-11-20T09:00:00.Z', '2026-13-20T09:00:00Z', 'nope', '', 7, null]) expect(withStamp(bad)).toBe('stageTimestamp is missing or not a timestamp');
    expect(auditEventProblem(auditEvent({ requestReceivedTimestamp: 'x' }))).toBe('requestReceivedTimestamp is missing or not a timestamp');
  });
});

describe('nesting', () => {
  const nest = (d: number): unknown => (d === 0 ? 1 : { a: nest(d - 1) });

  it(`rejects objects nested ${MAX_NESTING} levels below the event, not ${MAX_NESTING - 1}`, () => {
    expect(nestingProblem({ x: nest(MAX_NESTING - 1) })).toBeUndefined();
    expect(nestingProblem({ x: nest(MAX_NESTING) })).toMatch(/nested deeper than 512/);
    expect(nestingProblem([[[[1]]]], 3)).toMatch(/nested deeper than 3/);
    expect(nestingProblem([[[1]]], 3)).toBeUndefined();
  });

  it('walks 100k levels without overflowing, and skips texts too short to nest that deep', () => {
    expect(nestingProblem(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toMatch(/nested deeper/);
    const deepest = JSON.stringify(nest(MAX_NESTING));
    expect(tooShortToNest(deepest)).toBe(false);
    expect(tooShortToNest('x'.repeat(2 * (MAX_NESTING + 1) - 1))).toBe(true);
  });
});
