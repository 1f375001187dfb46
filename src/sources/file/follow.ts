// Follows a live audit log the way kube-apiserver writes it: appends to audit.log, and on rotation
// renames it to audit-<time>.log and starts a new audit.log. We keep reading the renamed file to its
// end before switching, and a restart resumes from the checkpoint — in the renamed file if rotation
// happened while we were down (found by inode) — so there are no gaps and no repeats.
// A file that shrinks below our offset was truncated in place (copytruncate): start it over.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceBatch } from '../../core/batch.js';
import type { Source } from '../../core/contracts.js';
import type { RawRecord } from '../../core/record.js';
import { readCheckpoint, writeCheckpoint, type FileCheckpoint } from './checkpoint.js';

export interface FollowOptions {
  path: string;
  checkpointFile?: string;
  /** Where to start without a checkpoint. */
  startAt: 'beginning' | 'end';
  cluster?: string;
  batchSize: number;
  pollMs: number;
  /** A single line longer than this is cut and rejected downstream rather than held forever. */
  maxLineBytes: number;
}

interface OpenFile {
  fd: number;
  path: string;
  inode: number;
  offset: number;
  line: number;
  partial: Buffer;
}

const CHUNK = 1 << 20;

export function createFollowSource(options: FollowOptions): Source {
  let current: OpenFile | undefined;
  const buf = Buffer.allocUnsafe(CHUNK);

  function open(path: string, offset: number, line: number): OpenFile | undefined {
    try {
      const fd = openSync(path, 'r');
      return { fd, path, inode: fstatSync(fd).ino, offset, line, partial: Buffer.alloc(0) };
    } catch {
      return undefined;
    }
  }

  function initial(): OpenFile | undefined {
    const cp = options.checkpointFile ? readCheckpoint(options.checkpointFile) : undefined;
    if (cp) {
      const live = safeStat(options.path);
      if (live && live.ino === cp.inode) return open(options.path, live.size >= cp.offset ? cp.offset : 0, live.size >= cp.offset ? cp.line : 0);
      const rotated = findByInode(dirname(options.path), cp.inode);
      if (rotated) return open(rotated, cp.offset, cp.line);
      return open(options.path, 0, 0);
    }
    const f = open(options.path, 0, 0);
    if (f && options.startAt === 'end') {
      f.offset = fstatSync(f.fd).size;
    }
    return f;
  }

  /** Reads what is there now; returns complete lines. */
  function drain(f: OpenFile, max: number): RawRecord[] {
    const out: RawRecord[] = [];
    while (out.length < max) {
      const n = readSync(f.fd, buf, 0, CHUNK, f.offset + f.partial.length);
      if (n === 0) break;
      let data = f.partial.length ? Buffer.concat([f.partial, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      let start = 0;
      let nl: number;
      while ((nl = data.indexOf(10, start)) >= 0) {
        f.line++;
        const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
        if (end > start) {
          const rec: RawRecord = { text: data.toString('utf8', start, end), origin: { source: f.path, line: f.line, position: `${f.inode}:${f.offset + nl + 1}` } };
          if (options.cluster !== undefined) rec.cluster = options.cluster;
          out.push(rec);
        }
        start = nl + 1;
      }
      f.offset += start;
      data = data.subarray(start);
      if (data.length > options.maxLineBytes) {
        // A runaway line: hand it on (it will be rejected with its reason) instead of buffering forever.
        f.line++;
        out.push({ text: data.toString('utf8'), origin: { source: f.path, line: f.line, position: `${f.inode}:${f.offset + data.length}` } });
        f.offset += data.length;
        data = Buffer.alloc(0);
      }
      f.partial = Buffer.from(data);
    }
    return out;
  }

  return {
    name: `file-follow:${options.path}`,
    async *batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
      while (!signal.aborted && !(current = initial())) await sleep(options.pollMs, undefined, { signal }).catch(() => undefined);
      while (!signal.aborted && current) {
        const f = current;
        const records = drain(f, options.batchSize);
        if (records.length) {
          const cp: FileCheckpoint = { path: f.path, inode: f.inode, offset: f.offset, line: f.line };
          yield { records, ack: () => options.checkpointFile && writeCheckpoint(options.checkpointFile, cp), fail() {} };
          continue;
        }
        // Nothing new in the open file. Rotated? Truncated?
        const live = safeStat(options.path);
        const size = fstatSync(f.fd).size;
        if (size < f.offset) {
          f.offset = 0;
          f.line = 0;
          f.partial = Buffer.alloc(0);
          continue;
        }
        if (live && live.ino !== f.inode) {
          const next = open(options.path, 0, 0);
          if (next) {
            closeSync(f.fd);
            current = next;
            continue;
          }
        }
        await sleep(options.pollMs, undefined, { signal }).catch(() => undefined);
      }
    },
    async close() {
      if (current) closeSync(current.fd);
      current = undefined;
    },
  };
}

function safeStat(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function findByInode(dir: string, inode: number): string | undefined {
  try {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (safeStat(p)?.ino === inode) return p;
    }
  } catch {
    /* directory gone */
  }
  return undefined;
}

