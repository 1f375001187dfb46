// The store's page cache is part of a long follow run's RSS: at 64 MB it filled for minutes and the
// run's RSS climbed with it (bench/follow.js). 16 MB cost no CPU on a 912,000-event scan --store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditStore } from '../../../../src/sinks/sqlite/store.js';

describe('store memory', () => {
  it('keeps its page cache at 16 MB', () => {
    const store = new AuditStore(join(mkdtempSync(join(tmpdir(), 'k8s-audit-store-')), 'audit.db'));
    try {
      expect(store.db.pragma('cache_size', { simple: true })).toBe(-16384);
    } finally {
      store.close();
    }
  });
});
