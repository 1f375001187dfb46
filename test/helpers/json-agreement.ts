// The property tests that hold a JSON scanner to JSON.parse's verdict (core/json-scan.ts skipValue,
// decode/body-scan.ts scanBody): one set of generators and seeds for every scanner.
import fc from 'fast-check';
import { expect, it } from 'vitest';

/** What JSON.parse says of the text: the one verdict a scanner must reproduce. */
export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Pieces JSON is made of, and the near misses that trip parsers up. */
const PIECES = [
  '{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\t', '\n', '\r', '\u0001', '\u001f', '0', '-', '.', 'e', 'E', '+', '1', '9', '01', '-0', '1.', '.5', '1e', '1e+', '2E-3',
  'true', 'false', 'null', 'tru', 'nul', 'True', 'NaN', 'Infinity', '"a"', '"\\u00e9"', '"\\u12"', '"\\x41"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\"', '"k":', '{"a":1}', '[1,2]', '[]', '{}',
];

/**
 * Registers, in the calling describe, the tests that `scans` (the whole text is one JSON value)
 * agrees with JSON.parse: on stringified values, on texts built from pieces (plus `extraPieces`
 * the scanner cares about), and on valid JSON with one character changed, inserted or removed.
 */
export function agreesWithJsonParse(scans: (text: string) => boolean, extraPieces: readonly string[] = []): void {
  const piece = fc.constantFrom(...PIECES, ...extraPieces);

  it('on JSON.stringify of arbitrary values, with and without whitespace', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        expect(scans(text)).toBe(true);
        expect(parses(text)).toBe(true);
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('on texts built from JSON pieces and near misses', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        expect({ text, scans: scans(text) }).toEqual({ text, scans: parses(text) });
      }),
      { seed: 11, numRuns: 20_000 },
    );
  });

  it('on valid JSON with one character changed, inserted or removed', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.constantFrom(...'{}[],:"\\ 0-.eE+tfn\u0001x'), fc.constantFrom('set', 'insert', 'delete'), (v, at, ch, op) => {
        const base = JSON.stringify(v).replace(/[\u0080-\uffff]/g, '?');
        const i = at % (base.length + 1);
        const text = op === 'set' ? base.slice(0, i) + ch + base.slice(i + 1) : op === 'insert' ? base.slice(0, i) + ch + base.slice(i) : base.slice(0, i) + base.slice(i + 1);
        expect({ text, scans: scans(text) }).toEqual({ text, scans: parses(text) });
      }),
      { seed: 13, numRuns: 20_000 },
    );
  });
}
