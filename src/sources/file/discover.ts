// Expands the paths given to `scan` into the files to read, in the order to read them. A directory
// of rotated logs is read oldest first: kube-apiserver (lumberjack) names backups
// audit-2026-11-20T08-00-00.000.log[.gz] and keeps writing audit.log, which is therefore the newest.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';

export const STDIN = '-';
const ROTATED_STAMP = /(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)/;
const READABLE = /\.(log|json|jsonl|ndjson)(\.\d+)?(\.gz)?$/i;

export function discoverInputs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === STDIN) {
      out.push(STDIN);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory; pass audit log files, directories of them, or - for stdin`);
    }
    if (st.isDirectory()) out.push(...rotatedFiles(p));
    else out.push(p);
  }
  return out;
}

function rotatedFiles(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && READABLE.test(n))
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile());
  if (files.length === 0) throw new InputError(`${dir}: no audit log files in this directory (looked for *.log, *.json, *.jsonl, *.ndjson, optionally .gz)`);
  return files
    .map((p) => ({ p, key: sortKey(p) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.p.localeCompare(b.p))
    .map((x) => x.p);
}

/** [rank, time]: stamped backups by their stamp, then unstamped files (the live log) by mtime. */
function sortKey(p: string): [number, number] {
  const m = ROTATED_STAMP.exec(p);
  if (m) {
    const [date, time] = m[1]!.split('T') as [string, string];
    const t = Date.parse(`${date}T${time.replace(/-/g, ':').replace(/:(\d+)$/, ':$1')}Z`);
    if (!Number.isNaN(t)) return [0, t];
  }
  return [1, statSync(p).mtimeMs];
}
