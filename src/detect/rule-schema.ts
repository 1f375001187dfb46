// The shape of a detector file in detectors/: validated once at load, unknown keys rejected.
import { z } from 'zod';
import { AUDIT_STAGES } from '../core/audit-event.js';
import { SEVERITIES } from '../core/alert.js';

const oneOrMany = z.union([z.string(), z.array(z.string()).min(1)]);
const severity = z.enum(SEVERITIES as unknown as [string, ...string[]]);

/** Scope of an exception: every key given must match; lists mean "one of"; `*` globs. */
export const ExceptionSchema = z
  .object({
    name: z.string().min(1),
    reason: z.string().min(1, 'every exception needs a reason a reviewer can judge'),
    owner: z.string().optional(),
    expires: z.union([z.string(), z.date()]).optional(),
    rule: oneOrMany.optional(),
    user: oneOrMany.optional(),
    namespace: oneOrMany.optional(),
    name_is: oneOrMany.optional(),
    image: oneOrMany.optional(),
    cluster: oneOrMany.optional(),
    user_agent: oneOrMany.optional(),
    when: z.unknown().optional(),
  })
  .strict();
export type ExceptionSpec = z.infer<typeof ExceptionSchema>;

/** What the engine indexes rules by; cheap checks before `when` runs. */
export const MatchSchema = z
  .object({
    verb: oneOrMany.optional(),
    resource: oneOrMany.optional(),
    subresource: z.union([oneOrMany, z.null()]).optional(),
    apiGroup: oneOrMany.optional(),
    stage: z.union([z.literal('any'), z.array(z.enum(AUDIT_STAGES as unknown as [string, ...string[]])).min(1)]).optional(),
  })
  .strict();
export type MatchSpec = z.infer<typeof MatchSchema>;

const duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like 60s, 5m or 1h');

/**
 * An ordered sequence: every step must match, in order, for one group (`by`), the whole chain within
 * `within` of its first step. Each step has its own match and when; the rule's `when` applies to all.
 */
export const SequenceSchema = z
  .object({
    by: z.array(z.string()).min(1),
    within: duration,
    steps: z
      .array(z.object({ name: z.string().min(1), match: MatchSchema.default({}), when: z.unknown().optional() }).strict())
      .min(2, 'a sequence needs at least two steps; use a plain rule for one'),
  })
  .strict();
export type SequenceSpec = z.infer<typeof SequenceSchema>;

/**
 * `mode: threshold` (the default): fire when one group reaches `threshold` matching events (or
 * `distinct` values) within `duration`, then count afresh. `mode: first`: fire on a group's first
 * matching event, then stay quiet for that group until `duration` has passed since (event time) —
 * once per identity per day, say (its threshold is 1: each period's alert is one event).
 */
export const WindowSchema = z
  .object({
    duration,
    group_by: z.array(z.string()).min(1),
    mode: z.enum(['threshold', 'first']).default('threshold'),
    threshold: z.number().int().optional(),
    distinct: z.string().optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.mode === 'first') {
      if (w.threshold !== undefined) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'mode: first fires on the first event of each group per duration; leave threshold out' });
      if (w.distinct !== undefined) ctx.addIssue({ code: 'custom', path: ['distinct'], message: 'mode: first counts nothing; to fire once per value, add the field to group_by instead of distinct' });
    } else if (w.threshold === undefined) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a threshold window needs a threshold of at least 2; for the first event of each group per duration, write mode: first' });
    else if (w.threshold < 2) ctx.addIssue({ code: 'custom', path: ['threshold'], message: `a threshold of ${w.threshold} would fire on every event; use at least 2, or mode: first for the first event of each group per duration` });
  })
  .transform((w) => ({ ...w, threshold: w.mode === 'first' ? 1 : w.threshold! }));
export type WindowSpec = z.infer<typeof WindowSchema>;

export const RuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case: lower-case letters, digits and dashes'),
    name: z.string().min(1),
    description: z.string().min(1),
    severity,
    mitre: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/, 'ATT&CK technique ids look like T1609 or T1552.007')).default([]),
    tags: z.array(z.string()).default([]),
    references: z
      .object({ falco: oneOrMany.optional(), elastic: oneOrMany.optional(), sigma: oneOrMany.optional() })
      .strict()
      .default({}),
    false_positives: z.string().optional(),
    enabled: z.boolean().default(true),
    /** What the engine indexes rules by; cheap checks before `when` runs. */
    match: MatchSchema.default({}),
    when: z.unknown().optional(),
    exceptions: z.array(ExceptionSchema).default([]),
    window: WindowSchema.optional(),
    sequence: SequenceSchema.optional(),
    message: z.string().optional(),
    tests: z
      .object({ fire: z.array(z.record(z.string(), z.unknown())).default([]), quiet: z.array(z.record(z.string(), z.unknown())).default([]) })
      .strict()
      .default({ fire: [], quiet: [] }),
  })
  .strict()
  .refine((r) => !(r.window && r.sequence), { message: 'a rule has a window or a sequence, not both', path: ['sequence'] })
  .refine((r) => !r.sequence || Object.keys(r.match).length === 0, { message: 'a sequence rule matches in its steps; leave the rule-level match empty', path: ['match'] });
export type RuleSpec = z.infer<typeof RuleSchema>;

export const DetectorFileSchema = z
  .object({
    lists: z.record(z.string(), z.array(z.string())).default({}),
    macros: z.record(z.string(), z.unknown()).default({}),
    rules: z.array(z.unknown()).default([]),
  })
  .strict();

export function parseDurationMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`bad duration ${d}`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
