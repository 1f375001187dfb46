// The data flow's folders are layers: a module imports only from its own layer or those below it
// (README "Layout"), so a new engineer can read the code bottom-up and a change below never needs
// one above.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const LAYERS = ['core', 'sources', 'decode', 'enrich', 'detect', 'sinks', 'pipeline', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}
const layerOf = (file: string) => relative(SRC, file).split('/')[0]!;

describe('layers', () => {
  it('every folder of src/ is a known layer', () => {
    expect(readdirSync(SRC).filter((d) => !d.endsWith('.ts')).sort()).toEqual([...LAYERS].sort());
  });

  it('no module imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const file of files(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/gm)) {
        const target = resolve(dirname(file), (m[1] ?? m[2])!);
        if (LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file))) upward.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
