import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/core/secret.js';

describe('Secret', () => {
  it('never prints its value, however it is printed', () => {
    const s = new Secret('hunter2');
    const holder = { password: s };
    for (const text of [String(s), `${s}`, JSON.stringify(holder), inspect(holder), inspect(s)]) expect(text).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });
});
