// The tuning file users pass with --config: allow-lists, rule switches, severity floor, exceptions.
// Kept apart from the rules so upgrades of detectors/ never overwrite a user's decisions.
import { readFileSync } from 'node:fs';
import { parseYaml } from '../core/yaml.js';
import { z } from 'zod';
import { SEVERITIES } from '../core/alert.js';
import { ConfigError } from '../core/errors.js';
import { ExceptionSchema } from './rule-schema.js';

const severity = z.enum(SEVERITIES as unknown as [string, ...string[]]);

export const TuningSchema = z
  .object({
    severity_floor: severity.optional(),
    lists: z
      .record(z.string(), z.union([z.array(z.string()), z.object({ append: z.array(z.string()).default([]), remove: z.array(z.string()).default([]) }).strict()]))
      .default({}),
    macros: z.record(z.string(), z.unknown()).default({}),
    rules: z
      .object({
        enable: z.array(z.string()).default([]),
        disable: z.array(z.string()).default([]),
        severity: z.record(z.string(), severity).default({}),
      })
      .strict()
      .default({ enable: [], disable: [], severity: {} }),
    exceptions: z.array(ExceptionSchema).default([]),
  })
  .strict();
export type Tuning = z.infer<typeof TuningSchema>;

export const EMPTY_TUNING: Tuning = TuningSchema.parse({});

export function loadTuning(file: string | undefined): Tuning {
  if (!file) return EMPTY_TUNING;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: cannot read tuning config: ${(e as Error).message}`);
  }
  return parseTuning(raw ?? {}, file);
}

export function parseTuning(raw: unknown, where: string): Tuning {
  const r = TuningSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'}: ${i.message}`));
  return r.data;
}

/** "k8s-activity-*" style globs for rule ids, users and namespaces. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
