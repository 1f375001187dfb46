// Follows a live audit log the way kube-apiserver writes it: appends to audit.log, and on rotation
// renames it to audit-<time>.log and starts a new audit.log. We keep reading the renamed file to its
// end before switching, and a restart resumes from the checkpoint — in the renamed file if rotation
// happened while we were down (found by inode) — so there are no gaps and no repeats.
// A file that shrinks below our offset, or whose bytes before our offset changed, was truncated in
// place (copytruncate) and maybe rewritten past our offset: start it over.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
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
  /** fingerprint(fd, offset) as of our last read. */
  fingerprint?: string;
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
      if (live && live.ino === cp.inode) {
        const f = open(options.path, cp.offset, cp.line);
        // Shorter than our offset, or other bytes before it: truncated (and rewritten) while we were down.
        if (f && (live.size < cp.offset || !sameFingerprint(f.fd, cp))) {
          f.offset = 0;
          f.line = 0;
        }
        return f;
      }
      const rotated = findByInode(dirname(options.path), cp.inode);
      if (rotated) {
        const f = open(rotated, cp.offset, cp.line);
        if (f && sameFingerprint(f.fd, cp)) return f;
        if (f) closeSync(f.fd); // the inode was reused by another file
      }
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
        // Truncated in place and already rewritten past our offset? (One pread per batch.)
        if (f.offset > 0 && f.fingerprint !== undefined && fingerprint(f.fd, f.offset) !== f.fingerprint) restart(f);
        const records = drain(f, options.batchSize);
        f.fingerprint = f.offset > 0 ? fingerprint(f.fd, f.offset) : undefined;
        if (records.length) {
          const cp: FileCheckpoint = { path: f.path, inode: f.inode, offset: f.offset, line: f.line, fingerprint: fingerprint(f.fd, f.offset) };
          yield { records, ack: () => options.checkpointFile && writeCheckpoint(options.checkpointFile, cp), fail() {} };
          continue;
        }
        // Nothing new in the open file. Rotated? Truncated?
        const live = safeStat(options.path);
        const size = fstatSync(f.fd).size;
        if (size < f.offset) {
          restart(f);
          continue;
        }
        if (live && live.ino !== f.inode) {
          // Rotated more than once since we opened f? Read the backups in between before the live file.
          const between = nextBackup(options.path, f.inode);
          const next = open(between ?? options.path, 0, 0);
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

function restart(f: OpenFile): void {
  f.offset = 0;
  f.line = 0;
  f.partial = Buffer.alloc(0);
  f.fingerprint = undefined;
}

const HEAD_BYTES = 256;
const TAIL_BYTES = 64;

/**
 * A hash of the file's first (up to) 256 bytes and of the 64 bytes before `offset`; '' when they
 * cannot be read (the file is shorter). The head holds the first event's auditID, so a file
 * truncated and rewritten in place differs there even when its lines end alike (they usually do).
 */
function fingerprint(fd: number, offset: number): string {
  if (offset === 0) return '';
  const head = Buffer.alloc(Math.min(HEAD_BYTES, offset));
  const tail = Buffer.alloc(Math.min(TAIL_BYTES, offset));
  try {
    if (readSync(fd, head, 0, head.length, 0) !== head.length) return '';
    if (readSync(fd, tail, 0, tail.length, offset - tail.length) !== tail.length) return '';
  } catch {
    return '';
  }
  return createHash('sha1').update(head).update(tail).digest('hex');
}

/** Checkpoints written before fingerprints existed match anything. */
function sameFingerprint(fd: number, cp: FileCheckpoint): boolean {
  return cp.fingerprint === undefined || fingerprint(fd, cp.offset) === cp.fingerprint;
}

const STAMP = /-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)(\.[^.]*)?$/;

/**
 * kube-apiserver (lumberjack) renames audit.log to audit-<time>.log on rotation. When the file we
 * finished (found by inode) is such a backup, the next one is the backup with the smallest later
 * stamp, if any: under load, or while we were down, several rotations can happen between two reads.
 */
function nextBackup(livePath: string, finishedInode: number): string | undefined {
  const dir = dirname(livePath);
  const base = basename(livePath);
  const ext = extname(base);
  const prefix = `${base.slice(0, base.length - ext.length)}-`;
  const finished = findByInode(dir, finishedInode);
  const stampOf = (p: string) => {
    const n = basename(p);
    const m = STAMP.exec(n);
    return n.startsWith(prefix) && m && (m[2] ?? '') === ext ? m[1]! : undefined;
  };
  const after = finished && stampOf(finished);
  if (!after) return undefined;
  let best: string | undefined;
  let bestStamp: string | undefined;
  try {
    for (const n of readdirSync(dir)) {
      const stamp = stampOf(n);
      if (stamp && stamp > after && (bestStamp === undefined || stamp < bestStamp)) {
        best = join(dir, n);
        bestStamp = stamp;
      }
    }
  } catch {
    return undefined;
  }
  return best;
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

