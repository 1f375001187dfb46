// `k8s-audit --help`, `--version` and the small commands start fast because the command modules load
// their implementations only when the command runs (dynamic import inside the action). A static
// import of a heavy module from src/cli would bring back ~0.4 s of start-up for every command.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/events.js';

const CLI = join(REPO_ROOT, 'src/cli');
/** What start-up may load: the CLI's own option parsing and light shared modules. */
const ALLOWED = [/^node:/, /^commander$/, /^date-fns\//, /^\.\/(options|summary|query|rules|run|scan|tune|serve|kibana|report)\.js$/, /^\.\.\/core\/(errors|alert|secret)\.js$/, /^\.\.\/detect\/tune\.js$/];

describe('CLI start-up', () => {
  it('imports no pipeline, detector, sink or source module statically', () => {
    const offenders: string[] = [];
    for (const f of readdirSync(CLI).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(CLI, f), 'utf8');
      for (const m of src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
        if (!ALLOWED.some((re) => re.test(m[1]!))) offenders.push(`${f}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
