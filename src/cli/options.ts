// Option parsers shared by commands.
import { InvalidArgumentError } from 'commander';
import { parseISO } from 'date-fns/parseISO';
import { subMilliseconds } from 'date-fns/subMilliseconds';
import { SEVERITIES, type Severity } from '../core/alert.js';
import type { AlertFormat } from '../sinks/terminal/alerts-sink.js';

export function alertFormat(v: string): AlertFormat {
  if (!['table', 'ndjson', 'json', 'none'].includes(v)) throw new InvalidArgumentError('use table, ndjson, json or none');
  return v as AlertFormat;
}

/** "2026-11-20T09:00:00Z", "2026-11-20", or a duration before now: "15m", "2h", "7d". */
export function timeArg(v: string): string {
  const rel = /^(\d+)(s|m|h|d)$/.exec(v);
  if (rel) return subMilliseconds(new Date(), Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's']).toISOString();
  const d = parseISO(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('use an ISO time (2026-11-20T09:00:00Z), a date, or a duration ago (15m, 2h, 7d)');
  return d.toISOString();
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
}

export function severityArg(v: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`use ${SEVERITIES.join(', ')}`);
  return v as Severity;
}

/** Worker threads: a whole number from 0 (none) to 64, or `auto`. */
export function workersArg(v: string): number | 'auto' {
  if (v === 'auto') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new InvalidArgumentError('a whole number from 0 to 64, or auto');
  return n;
}
