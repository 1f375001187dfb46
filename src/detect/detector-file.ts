// One file of detectors/: its YAML parsed and validated. The catalogue is merged from these, and a
// catalogue snapshot stores them, so the two paths cannot differ in what a file means.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../core/yaml.js';
import { ConfigError } from '../core/errors.js';
import { DetectorFileSchema, RuleSchema, type RuleSpec } from './rule-schema.js';

export interface DetectorFile {
  lists: Record<string, string[]>;
  macros: Record<string, unknown>;
  /** Validated, defaults applied. */
  rules: RuleSpec[];
}

export interface ParsedDetectorFile extends DetectorFile {
  /** The file is not a detector file (YAML, top-level shape): none of it is used. */
  fileProblems: string[];
  /** Rules that failed validation: left out, the rest of the file is used. */
  ruleProblems: string[];
}

/** `where` prefixes every problem: the file as the user should see it. */
export function parseDetectorFile(text: string, where: string): ParsedDetectorFile {
  const out: ParsedDetectorFile = { lists: {}, macros: {}, rules: [], fileProblems: [], ruleProblems: [] };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    out.fileProblems.push(`${where}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    return out;
  }
  const rawRules = isRuleDocument(raw) ? [raw] : [];
  if (!isRuleDocument(raw)) {
    const parsed = DetectorFileSchema.safeParse(raw ?? {});
    if (!parsed.success) {
      out.fileProblems.push(...parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'}: ${i.message}`));
      return out;
    }
    out.lists = parsed.data.lists;
    out.macros = parsed.data.macros;
    rawRules.push(...parsed.data.rules);
  }
  for (const r of rawRules) {
    const parsed = RuleSchema.safeParse(r);
    if (!parsed.success) {
      const id = typeof (r as { id?: unknown })?.id === 'string' ? ` rule ${(r as { id: string }).id}` : '';
      out.ruleProblems.push(...parsed.error.issues.map((i) => `${where}:${id}: ${i.path.join('.') || '(top)'}: ${i.message}`));
    } else out.rules.push(parsed.data);
  }
  return out;
}

function isRuleDocument(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'id' in raw;
}

/** Every *.yaml / *.yml below `dir`, in a stable order (names sorted, depth first). */
export function detectorFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (e) {
    throw new ConfigError(`cannot read detectors directory ${dir}: ${(e as Error).message}`);
  }
  const out: string[] = [];
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...detectorFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}
