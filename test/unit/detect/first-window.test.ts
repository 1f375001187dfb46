// Windows in `mode: first`: a group's first matching event fires, the rest of its period (event time)
// is quiet, the next period fires again; the state holds only the groups whose period still runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/audit-event.js';
import { loadCatalogue, type CompiledWindow } from '../../../src/detect/catalogue.js';
import { createDetector } from '../../../src/detect/engine.js';
import type { GroupHit } from '../../../src/detect/groups.js';
import { RuleSchema } from '../../../src/detect/rule-schema.js';
import { completeTestEvent } from '../../../src/detect/rule-tests.js';
import { WindowState } from '../../../src/detect/window.js';
import { createEnricher } from '../../../src/enrich/enrich.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** The compiled form of `window: {duration: 24h, group_by: [...], mode: first}`. */
const firstWindow = (durationMs = DAY) => ({ durationMs, groupBy: [], mode: 'first', threshold: 1 }) as CompiledWindow;
const hit = (t: number, key: string, auditID = `r${t}-${key}`): GroupHit => ({ t, auditID, key, groupKey: key, values: { 'user.username': key } });

describe('first-event windows (mode: first)', () => {
  it('fire on the first event of a group and stay quiet for the rest of its period', () => {
    const w = new WindowState(firstWindow());
    expect(w.add(hit(0, 'alice'))).toEqual({ count: 1, auditIds: ['r0-alice'], groupKey: 'alice', group: { 'user.username': 'alice' } });
    for (const t of [1, MIN, 12 * 60 * MIN, DAY - 1]) expect(w.add(hit(t, 'alice'))).toBeUndefined();
  });

  it('fire again on the first event once the period has passed, and start the next period there', () => {
    const w = new WindowState(firstWindow());
    expect(w.add(hit(0, 'alice'))).toBeDefined();
    // Periods are fixed from their first event, not slid by the quiet ones: a user busy all day is raised daily.
    expect(w.add(hit(DAY - MIN, 'alice'))).toBeUndefined();
    expect(w.add(hit(DAY, 'alice'))?.auditIds).toEqual([`r${DAY}-alice`]);
    expect(w.add(hit(DAY + 5 * MIN, 'alice'))).toBeUndefined();
    expect(w.add(hit(2 * DAY - 1, 'alice'))).toBeUndefined();
    expect(w.add(hit(2 * DAY + 3 * MIN, 'alice'))).toBeDefined();
  });

  it('keep groups apart', () => {
    const w = new WindowState(firstWindow());
    expect(w.add(hit(0, 'alice'))).toBeDefined();
    expect(w.add(hit(1, 'bob'))?.groupKey).toBe('bob');
    expect(w.add(hit(2, 'alice'))).toBeUndefined();
    expect(w.add(hit(3, 'bob'))).toBeUndefined();
    expect(w.add(hit(4, 'carol'))).toBeDefined();
  });

  it('count the stages of one request once, even when its last stage comes after the period (within 10 minutes)', () => {
    const w = new WindowState(firstWindow(MIN));
    expect(w.add(hit(0, 'alice', 'exec-session'))).toBeDefined();
    expect(w.add(hit(2 * MIN, 'alice', 'exec-session'))).toBeUndefined();
  });

  it('put a late event (merged logs) in its group period, even before its first event', () => {
    const w = new WindowState(firstWindow(10 * MIN));
    expect(w.add(hit(5 * MIN, 'alice'))).toBeDefined();
    expect(w.add(hit(MIN, 'alice'))).toBeUndefined();
    // Another group moves time past alice's period; an event 2 minutes late still finds it.
    expect(w.add(hit(16 * MIN, 'bob'))).toBeDefined();
    expect(w.add(hit(14 * MIN, 'alice'))).toBeUndefined();
    expect(w.add(hit(15 * MIN, 'alice'))).toBeDefined();
  });

  it('forget groups whose period ended, by event time', () => {
    const w = new WindowState(firstWindow(MIN));
    for (let i = 0; i < 1000; i++) w.add(hit(i, `user-${i}`));
    expect(w.size).toBe(1000);
    // An hour later (event time) only the new group is held: the others' periods ended long ago.
    w.add(hit(60 * MIN, 'late'));
    expect(w.size).toBe(1);
  });

  it('hold at most 100,000 groups however many identities come within one period', () => {
    const w = new WindowState(firstWindow());
    for (let i = 0; i < 100_500; i++) w.add(hit(i, `u${i}`));
    expect(w.size).toBe(100_000);
    // The oldest were dropped: u0 fires again within its day, the newest stays quiet.
    expect(w.add(hit(100_501, 'u0'))).toBeDefined();
    expect(w.add(hit(100_502, 'u100499'))).toBeUndefined();
  });

  it('fire as an unbounded map of periods on a long stream, in time order with a little jitter', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const w = new WindowState(firstWindow(30 * MIN));
    const periods = new Map<string, number>();
    let t = 0;
    let fired = 0;
    let maxSize = 0;
    for (let i = 0; i < 50_000; i++) {
      t += Math.floor(rnd() * 2_000);
      const at = t - Math.floor(rnd() * 60_000); // up to a minute late
      const key = `g${Math.floor(rnd() * 200)}`;
      const start = periods.get(key);
      const expected = start === undefined || at >= start + 30 * MIN;
      if (expected) periods.set(key, at);
      const got = w.add(hit(at, key, `r${i}`));
      expect(got !== undefined, `event ${i}`).toBe(expected);
      if (got) fired++;
      maxSize = Math.max(maxSize, w.size);
    }
    expect(fired).toBeGreaterThan(200 * 10);
    expect(maxSize).toBeLessThanOrEqual(200);
  });
});

describe('window schema', () => {
  const rule = (window: unknown) => ({ id: 'r', name: 'r', description: 'r', severity: 'low', window });
  const problems = (window: unknown) => {
    const r = RuleSchema.safeParse(rule(window));
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('compiles mode: first to a window of one event per group and duration', () => {
    const r = RuleSchema.parse(rule({ duration: '24h', group_by: ['user.username'], mode: 'first' }));
    expect(r.window).toEqual({ duration: '24h', group_by: ['user.username'], mode: 'first', threshold: 1 });
    expect(RuleSchema.parse(rule({ duration: '5m', group_by: ['user.username'], threshold: 3 })).window).toMatchObject({ mode: 'threshold', threshold: 3 });
  });

  it('refuses a threshold or distinct with mode: first, and a threshold window without a threshold of at least 2', () => {
    expect(problems({ duration: '24h', group_by: ['user.username'], mode: 'first', threshold: 1 })).toEqual(['window.threshold: mode: first fires on the first event of each group per duration; leave threshold out']);
    expect(problems({ duration: '24h', group_by: ['user.username'], mode: 'first', distinct: 'userAgent' })[0]).toMatch(/add the field to group_by/);
    expect(problems({ duration: '24h', group_by: ['user.username'], threshold: 1 })[0]).toMatch(/threshold of 1 would fire on every event; use at least 2, or mode: first/);
    expect(problems({ duration: '24h', group_by: ['user.username'] })[0]).toMatch(/needs a threshold .* write mode: first/);
    expect(problems({ duration: '24h', group_by: ['user.username'], mode: 'once' })[0]).toMatch(/^window\.mode: /);
  });
});

describe('a detector file with a first-event window', () => {
  const catalogueOf = (window: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'first-window-'));
    writeFileSync(
      join(dir, 'rule.yaml'),
      `id: new-user-agent
name: New client of a user
description: The first request of a user with a user agent in an hour.
severity: low
match: { stage: [ResponseComplete] }
window: ${window}
`,
    );
    return loadCatalogue({ dir });
  };

  it('is reported with the file, the rule and the fix when it has a threshold', () => {
    expect(() => catalogueOf('{ duration: 1h, group_by: [user.username, userAgent], mode: first, threshold: 2 }')).toThrow(
      /rule\.yaml: rule new-user-agent: window\.threshold: mode: first fires on the first event of each group per duration; leave threshold out/,
    );
  });

  it('fires once per group (every group_by field) and says so in its default message', () => {
    const catalogue = catalogueOf('{ duration: 1h, group_by: [user.username, userAgent], mode: first }');
    const events = [
      ['2026-03-01T08:00:00Z', 'kubectl/v1.30.2'],
      ['2026-03-01T08:10:00Z', 'kubectl/v1.30.2'],
      ['2026-03-01T08:20:00Z', 'curl/8.5.0'],
      ['2026-03-01T08:59:59Z', 'curl/8.5.0'],
      ['2026-03-01T09:00:00Z', 'kubectl/v1.30.2'],
    ].map(([at, userAgent], i) => completeTestEvent({ userAgent }, `ua-${i}`, new Date(at!)));
    const alerts = createDetector(catalogue).detect(createEnricher({ redact: true })(events.map((event) => ({ event, origin: { source: 'test', item: 1 }, cluster: 'test' }))));
    expect(alerts.map((a) => a.kubernetes.audit.auditID)).toEqual(['ua-0', 'ua-2', 'ua-4']);
    expect(alerts[0]!.message).toMatch(/^New client of a user: .* \(the first of its group in 1h; the rest are not raised\)$/);
  });
});

describe('disallowed-user: once per person outside allowed_k8s_users and day', () => {
  const catalogue = loadCatalogue();
  const only = { ...catalogue, rules: catalogue.rules.filter((r) => r.spec.id === 'disallowed-user') };
  let n = 0;
  const event = (at: string, username: string, p: Record<string, unknown> = {}): AuditEvent =>
    completeTestEvent({ user: { username }, verb: 'list', objectRef: { resource: 'pods', namespace: 'shop' }, ...p }, `req-${n++}`, new Date(at));
  const stream = [
    event('2026-03-01T08:00:00Z', 'alice@example.com'),
    event('2026-03-01T08:00:01Z', 'alice@example.com', { verb: 'get', objectRef: { resource: 'pods', namespace: 'shop', name: 'web-1', subresource: 'log' } }),
    event('2026-03-01T08:05:00Z', 'bob@example.com', { verb: 'delete', objectRef: { resource: 'configmaps', namespace: 'shop', name: 'flags' } }),
    event('2026-03-01T09:00:00Z', 'kubernetes-admin'),
    event('2026-03-01T17:00:00Z', 'alice@example.com', { verb: 'create', objectRef: { resource: 'namespaces', name: 'foo' } }),
    event('2026-03-02T07:59:59Z', 'alice@example.com'),
    event('2026-03-02T08:00:00Z', 'alice@example.com'),
    event('2026-03-02T09:00:00Z', 'bob@example.com'),
  ];
  const detect = () => createDetector(only).detect(createEnricher({ redact: true })(stream.map((e) => ({ event: e, origin: { source: 'test', item: 1 }, cluster: 'test' }))));

  it('raises reads and changes alike, the first of each user per 24 hours', () => {
    const alerts = detect();
    expect(alerts.map((a) => `${a.user.name} ${a['@timestamp']}`)).toEqual([
      'alice@example.com 2026-03-01T08:00:00.000000Z',
      'bob@example.com 2026-03-01T08:05:00.000000Z',
      'alice@example.com 2026-03-02T08:00:00.000000Z',
      'bob@example.com 2026-03-02T09:00:00.000000Z',
    ]);
    expect(alerts[0]!.message).toBe('Request by a user outside the allowed set (first of the day): alice@example.com listed pods in namespace shop (first request of this user in 24h; the rest are not raised)');
    expect(alerts[0]!.evidence.window).toEqual({ count: 1, group: { 'user.username': 'alice@example.com' }, duration_ms: DAY });
  });

  it('gives the same alert ids on a re-scan of the same input', () => {
    const ids = detect().map((a) => a.alert.id);
    expect(new Set(ids).size).toBe(4);
    expect(detect().map((a) => a.alert.id)).toEqual(ids);
  });
});
