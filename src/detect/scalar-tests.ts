// Tests of one scalar that conditions build on, prepared once per rule and cheap per call.

/**
 * Set membership of String(x), as YAML writes `code: [401, 403]` or `code: ["401", "403"]` for the
 * same thing. Strings are looked up as they are, numbers in a set of the numbers whose String() is in
 * the set (no number is converted per call); anything else through String().
 */
export function memberOf(strings: readonly string[]): (x: unknown) => boolean {
  const set = new Set(strings);
  const numbers = new Set<number>();
  for (const s of set) {
    const n = Number(s);
    if (String(n) === s) numbers.add(n);
  }
  return (x) => (typeof x === 'string' ? set.has(x) : typeof x === 'number' ? numbers.has(x) : set.has(String(x)));
}

const MEMO_CAPACITY = 512;
/** Calls without the memo after it proved useless (fewer than 4 hits per entry): a field with too many values. */
const MEMO_BYPASS = 65_536;

/**
 * Memoises a pure test of strings: same answer, computed once per distinct string. Bounded; when
 * full it starts afresh if it was earning its keep, else it steps aside for a while.
 */
export function memoStrings(f: (x: string) => boolean): (x: string) => boolean {
  const memo = new Map<string, boolean>();
  let hits = 0;
  let bypass = 0;
  return (x) => {
    if (bypass > 0) {
      bypass--;
      return f(x);
    }
    const known = memo.get(x);
    if (known !== undefined) {
      hits++;
      return known;
    }
    const r = f(x);
    if (memo.size >= MEMO_CAPACITY) {
      if (hits < MEMO_CAPACITY * 4) bypass = MEMO_BYPASS;
      memo.clear();
      hits = 0;
    }
    memo.set(x, r);
    return r;
  };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether two values a condition read are the same scalar, as `eq` compares them: strings as they
 * are, and a number or boolean equal to its YAML spelling (`403` and `"403"`). Objects are never the
 * same as anything (a rule compares fields, not subtrees), and neither is an absent value: undefined,
 * null or "" (what `field: null` calls empty), so two missing namespaces are not one namespace.
 */
export function sameScalar(x: unknown, y: unknown): boolean {
  if (typeof x === 'string') {
    if (x === '') return false;
    if (typeof y === 'string') return x === y;
    return (typeof y === 'number' || typeof y === 'boolean') && String(y) === x;
  }
  if (typeof x === 'number' || typeof x === 'boolean') {
    if (typeof y === 'string') return y !== '' && String(x) === y;
    return x === y;
  }
  return false;
}
