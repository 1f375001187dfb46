// The bench's generated inputs are valid audit logs for the product: the built CLI reads every line
// of each kind as an event, rejecting none (run `npm run build` first; `npm test` does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/events.js';

const node = (args: string[], cwd: string) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });

describe('bench inputs through k8s-audit scan', () => {
  for (const kind of ['mixed', 'metadata', 'request-response']) {
    it(`${kind}: every line is an event, none rejected`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-bench-'));
      const file = join(dir, `${kind}.log`);
      const g = node([join(REPO_ROOT, 'bench/generate.js'), kind, file, '2'], dir);
      expect(g.status).toBe(0);
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
      const r = node([join(REPO_ROOT, 'bin/k8s-audit.js'), 'scan', file, '--alerts', 'none'], dir);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^${lines} events from 1 input; 0 rejected`, 'm'));
    });
  }
});
