// The shipped detectors/, parsed and validated once at build time (scripts/snapshot-detectors.mjs),
// so that a start-up does not parse 150 KB of YAML and validate 110 rules every time: most of
// loadCatalogue's cost, since compiling the rules is cheap (see catalogue.ts for the numbers).
//
// A file's entry is used only while the file's text is what was snapshotted (sha256), and the whole
// snapshot only if it was made by the same parser, schema and libraries (fingerprint); any other
// file is parsed as without a snapshot. Files with problems are never snapshotted, so problems are
// always reported by the parser, with the path as the user sees it.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { detectorFiles, parseDetectorFile, type DetectorFile, type ParsedDetectorFile } from './detector-file.js';

const FORMAT = 1;

/** Beside the compiled code: dist/detectors.snapshot.json. */
export const DEFAULT_SNAPSHOT = fileURLToPath(new URL('../detectors.snapshot.json', import.meta.url));

interface SnapshotData {
  format: number;
  fingerprint: string;
  /** By path relative to the detectors directory, with forward slashes. */
  files: Record<string, DetectorFile & { sha256: string }>;
}

export interface CatalogueSnapshot {
  /** The file as parsed, if `text` is what was snapshotted under `path` (relative to the detectors directory). */
  lookup(path: string, text: string): ParsedDetectorFile | undefined;
}

/** The snapshot in `file`, or undefined when there is none or it was made by other code. */
export function openSnapshot(file: string): CatalogueSnapshot | undefined {
  let data: SnapshotData;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as SnapshotData;
  } catch {
    return undefined;
  }
  if (data?.format !== FORMAT || data.fingerprint !== fingerprint() || typeof data.files !== 'object' || data.files === null) return undefined;
  return {
    lookup(path, text) {
      const entry = Object.prototype.hasOwnProperty.call(data.files, path) ? data.files[path] : undefined;
      if (!entry || entry.sha256 !== sha256(text)) return undefined;
      return { lists: entry.lists, macros: entry.macros, rules: entry.rules, fileProblems: [], ruleProblems: [] };
    },
  };
}

/** Snapshots every file of `dir` that parses without problems and survives JSON unchanged. */
export function writeSnapshot(dir: string, file: string): { files: number; skipped: string[] } {
  const data: SnapshotData = { format: FORMAT, fingerprint: fingerprint(), files: {} };
  const skipped: string[] = [];
  for (const path of detectorFiles(dir)) {
    const key = snapshotKey(dir, path);
    const text = readFileSync(path, 'utf8');
    const { fileProblems, ruleProblems, ...content } = parseDetectorFile(text, key);
    // A `.inf` or `.nan` that JSON cannot carry: leave the file to the parser.
    if (fileProblems.length || ruleProblems.length || !isDeepStrictEqual(JSON.parse(JSON.stringify(content)), content)) {
      skipped.push(key);
      continue;
    }
    data.files[key] = { sha256: sha256(text), ...content };
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data));
  renameSync(tmp, file);
  return { files: Object.keys(data.files).length, skipped };
}

export function snapshotKey(dir: string, path: string): string {
  return relative(dir, path).split(sep).join('/');
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let cachedFingerprint: string | undefined;

/**
 * What a snapshot's content depends on besides the YAML: the parser, the schema and the libraries
 * behind them. Another build (a changed default in rule-schema.ts, a new zod) makes old snapshots unusable.
 */
function fingerprint(): string {
  if (cachedFingerprint !== undefined) return cachedFingerprint;
  const require = createRequire(import.meta.url);
  const h = createHash('sha256').update(String(FORMAT));
  for (const pkg of ['zod', 'js-yaml']) h.update(`\0${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
  // The schema and what it imports (severities, stages), the per-file parser, the YAML options.
  for (const mod of ['./rule-schema', '../core/alert', '../core/audit-event', './detector-file', '../core/yaml']) h.update('\0').update(ownSource(mod));
  return (cachedFingerprint = h.digest('hex'));
}

/** A module's compiled source beside this one (dist/…/*.js), or its TypeScript when run from src/. */
function ownSource(mod: string): string {
  try {
    return readFileSync(new URL(`${mod}.js`, import.meta.url), 'utf8');
  } catch {
    return readFileSync(new URL(`${mod}.ts`, import.meta.url), 'utf8');
  }
}
