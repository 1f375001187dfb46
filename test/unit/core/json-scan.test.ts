import { agreesWithJsonParse } from '../../helpers/json-agreement.js';
import { describe, expect, it } from 'vitest';
import { asciiBytes, INVALID, MEMBER_FIELDS, objectMembers, skipValue, TOO_DEEP, TOO_MANY } from '../../../src/core/json-scan.js';

/** skipValue over the whole text, as JSON.parse reads it: one value, whitespace around it. */
function scans(text: string): boolean {
  const b = asciiBytes(text);
  if (!b) throw new Error('test texts are ASCII');
  let i = 0;
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  const end = skipValue(b, i, 10_000);
  if (end < 0) return false;
  let j = end;
  while (j < text.length && ' \t\n\r'.includes(text[j]!)) j++;
  return j === text.length;
}

describe('json-scan accepts exactly what JSON.parse accepts', () => {
  agreesWithJsonParse(scans);

  it('on every prefix of a real RequestResponse body (a cut line)', () => {
    const body = JSON.stringify({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-1', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25', args: ['-c', 'echo "hi" && sleep 1e3'], securityContext: { privileged: false } }] }, status: { phase: 'Pending', x: [1.5, -2e-3, null, true] } });
    for (let n = 0; n <= body.length; n++) expect(scans(body.slice(0, n))).toBe(n === body.length);
  });
});

describe('json-scan bounds', () => {
  it('counts nesting like the decoder: the value itself is depth 1', () => {
    const nest = (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`;
    const b = asciiBytes(nest(5))!;
    expect(skipValue(b, 0, 5)).toBe(10);
    expect(skipValue(b, 0, 4)).toBe(TOO_DEEP);
    expect(skipValue(asciiBytes(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)!, 0, 511)).toBe(TOO_DEEP);
  });

  it('never reads past the text: a truncated value in a larger scratch buffer is invalid', () => {
    asciiBytes(`{"a":"${'x'.repeat(1000)}"}`);
    const b = asciiBytes('{"a":"xx')!;
    expect(skipValue(b, 0, 10)).toBe(INVALID);
    expect(skipValue(asciiBytes('tru')!, 0, 10)).toBe(INVALID);
    expect(skipValue(asciiBytes('12')!, 0, 10)).toBe(2);
  });

  it('refuses text that is not pure ASCII', () => {
    expect(asciiBytes('{"a":"é"}')).toBeUndefined();
    expect(asciiBytes('{"a":"\ud800"}')).toBeUndefined();
  });
});

describe('objectMembers', () => {
  it('gives each member: key inside its quotes, value span, and whether the key has escapes', () => {
    const text = ' { "kind" : "Pod", "m\\u0065tadata":{"name":"x"} ,"spec":[1,{}] } ';
    const out = new Int32Array(2 + MEMBER_FIELDS * 8);
    const n = objectMembers(asciiBytes(text)!, 0, 10, out);
    expect(n).toBe(3);
    const members = Array.from({ length: n }, (_, i) => {
      const at = 2 + i * MEMBER_FIELDS;
      return { key: text.slice(out[at]!, out[at + 1]!), value: text.slice(out[at + 2]!, out[at + 3]!), escaped: out[at + 4] === 1 };
    });
    expect(members).toEqual([
      { key: 'kind', value: '"Pod"', escaped: false },
      { key: 'm\\u0065tadata', value: '{"name":"x"}', escaped: true },
      { key: 'spec', value: '[1,{}]', escaped: false },
    ]);
    expect(text.slice(0, out[0]!)).toBe(' { "kind" : "Pod", "m\\u0065tadata":{"name":"x"} ,"spec":[1,{}] }');
  });

  it('says when there are more members than it can hold, and rejects what is not an object', () => {
    const out = new Int32Array(2 + MEMBER_FIELDS * 2);
    expect(objectMembers(asciiBytes('{"a":1,"b":2,"c":3}')!, 0, 10, out)).toBe(TOO_MANY);
    expect(objectMembers(asciiBytes('[1]')!, 0, 10, out)).toBe(INVALID);
    expect(objectMembers(asciiBytes('{"a":1,}')!, 0, 10, out)).toBe(INVALID);
    expect(objectMembers(asciiBytes('{}')!, 0, 10, out)).toBe(0);
  });
});
