// The CLI keeps V8's heap near twice what is live (src/core/heap.ts) unless the user sized it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapFlags } from '../../../src/core/heap.js';

const GROWING = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

describe('heap tuning', () => {
  it('sets the growing factor when the user gave no heap flags', () => {
    expect(heapFlags([], undefined)).toEqual([GROWING]);
    expect(heapFlags(['--enable-source-maps'], '--max-semi-space-size=32 --trace-warnings')).toEqual([GROWING]);
  });

  it("leaves the heap to the user's NODE_OPTIONS or node flags", () => {
    expect(heapFlags([], '--max-old-space-size=4096')).toEqual([]);
    expect(heapFlags([], '--trace-warnings  --max_old_space_size=512')).toEqual([]);
    expect(heapFlags(['--heap-growing-percent=300'], undefined)).toEqual([]);
    expect(heapFlags(['--max-heap-size=1024'], '')).toEqual([]);
  });

  it('is applied by the CLI before it loads anything else', () => {
    for (const f of ['bin/k8s-audit.js', 'bench/cli-rss.js']) {
      const text = readFileSync(fileURLToPath(new URL(`../../../${f}`, import.meta.url)), 'utf8');
      expect(text.indexOf('tuneHeap();'), f).toBeGreaterThan(0);
      expect(text.indexOf('tuneHeap();'), f).toBeLessThan(text.indexOf("import('../dist/cli/main.js')"));
    }
  });

  it('keeps a garbage-heavy heap near what is live, and lets the user opt out', () => {
    // 25 MB live, 2 MB of garbage per round: V8's own factor lets the heap grow to a multiple of that.
    const script = `
      import { setFlagsFromString } from 'node:v8';
      const flags = JSON.parse(process.argv[1]);
      for (const f of flags) setFlagsFromString(f);
      const keep = Array.from({ length: 300000 }, (_, i) => ({ i, s: 'x'.repeat(40) + i }));
      let held = [], peak = 0;
      for (let r = 0; r < 300; r++) {
        held.push(Array.from({ length: 20000 }, (_, i) => ({ a: i, b: 'y' + i })));
        if (held.length > 3) held.shift();
        peak = Math.max(peak, process.memoryUsage().heapTotal);
      }
      console.log(keep.length && peak);`;
    const peak = (nodeOptions: string) => {
      const flags = heapFlags([], nodeOptions);
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(flags)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions } });
      expect(r.status, r.stderr).toBe(0);
      return Number(r.stdout);
    };
    const tuned = peak('');
    const untuned = peak('--max-old-space-size=4096');
    expect(tuned).toBeLessThan(untuned * 0.75);
  });
});
