// CLI start-up: wall time from spawning `node bin/k8s-audit.js …` to its exit, for commands that do
// almost nothing but start (--version, --help, rules list), next to bare `node -e 0` (the floor: no
// CLI can start faster than Node itself). A start-up is ~0.1–0.5 s, so one sample says little on a
// shared machine: each command is run `runs` times (interleaved) and the median and minimum kept.
//   node bench/startup.js [runs]   → JSON on stdout
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'k8s-audit.js');

export const STARTUP_COMMANDS = {
  node: ['-e', '0'],
  version: [BIN, '--version'],
  help: [BIN, '--help'],
  rulesList: [BIN, 'rules', 'list'],
};

function once(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function measureStartup(runs = 7) {
  const samples = Object.fromEntries(Object.keys(STARTUP_COMMANDS).map((k) => [k, []]));
  once(STARTUP_COMMANDS.version); // warm the file cache
  for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(STARTUP_COMMANDS)) samples[k].push(once(args));
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { medianMs: Math.round(s[Math.floor(s.length / 2)]), minMs: Math.round(s[0]) };
  };
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, stat(xs)]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify({ runs: Number(process.argv[2] ?? 7), ...measureStartup(Number(process.argv[2] ?? 7)) })}\n`);
}
