// Where a followed file was read up to, saved only after the pipeline acknowledged everything
// before that point. Written atomically (temp file + rename) so a crash leaves the old or the new.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface FileCheckpoint {
  path: string;
  /** Identifies the file across renames: rotation moves it, the inode stays. */
  inode: number;
  offset: number;
  line: number;
  /**
   * A hash of the file's first bytes and of those just before `offset`: a file truncated and
   * rewritten in place (copytruncate) past our offset while we were down keeps its inode, not these.
   */
  fingerprint?: string;
}

export function readCheckpoint(file: string): FileCheckpoint | undefined {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as FileCheckpoint;
    return typeof c.inode === 'number' && typeof c.offset === 'number' ? c : undefined;
  } catch {
    return undefined;
  }
}

export function writeCheckpoint(file: string, c: FileCheckpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(c));
  renameSync(tmp, file);
}
