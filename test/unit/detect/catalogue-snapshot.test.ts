// A catalogue snapshot only ever spares work: loaded through it, the catalogue is what parsing the
// YAML gives, and a file changed since the snapshot is parsed again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTORS_DIR, loadCatalogue, type Catalogue } from '../../../src/detect/catalogue.js';
import { openSnapshot, writeSnapshot } from '../../../src/detect/catalogue-snapshot.js';
import { parseTuning } from '../../../src/detect/tuning.js';

const everyRule = parseTuning({ rules: { enable: ['*'] } }, 'snapshot test');
const comparable = (c: Catalogue) => ({ all: c.all, lists: [...c.lists], macros: [...c.macros], rules: c.rules.map((r) => [r.spec.id, r.evidence.map((e) => e.path)]) });

const RULE = (id: string, when: unknown) => `
rules:
  - id: ${id}
    name: n
    description: d
    severity: low
    when: ${JSON.stringify(when)}
`;

describe('the catalogue snapshot', () => {
  it('gives the shipped catalogue exactly as parsing the YAML does', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'k8s-audit-snapshot-')), 'snapshot.json');
    const { files, skipped } = writeSnapshot(DEFAULT_DETECTORS_DIR, file);
    expect(skipped).toEqual([]);
    expect(files).toBeGreaterThan(10);
    const parsed = loadCatalogue({ tuning: everyRule, snapshot: false });
    const snapshotted = loadCatalogue({ tuning: everyRule, snapshot: file });
    expect(comparable(snapshotted)).toEqual(comparable(parsed));
  });

  it('parses a file again once its text changed, and reports its problems as usual', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-rules-'));
    const file = join(dir, '..', `${dir.split('/').pop()}.snapshot.json`);
    writeFileSync(join(dir, 'a.yaml'), RULE('rule-a', { verb: 'get' }));
    writeFileSync(join(dir, 'b.yaml'), RULE('rule-b', { verb: 'list' }));
    writeSnapshot(dir, file);
    writeFileSync(join(dir, 'b.yaml'), RULE('rule-b', { verb: 'delete' }));
    const c = loadCatalogue({ dir, snapshot: file });
    expect(c.all.map((r) => [r.spec.id, r.spec.when])).toEqual([
      ['rule-a', { verb: 'get' }],
      ['rule-b', { verb: 'delete' }],
    ]);
    writeFileSync(join(dir, 'b.yaml'), RULE('Rule_B', { verb: 'delete' }));
    expect(() => loadCatalogue({ dir, snapshot: file })).toThrow(/b\.yaml: rule Rule_B: id: ids are kebab-case/);
  });

  it('leaves out files with problems, and is not used when missing or made by another build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-rules-'));
    const file = join(dir, 'snapshot.json');
    writeFileSync(join(dir, 'bad.yaml'), 'rules: [');
    expect(writeSnapshot(dir, file)).toEqual({ files: 0, skipped: ['bad.yaml'] });
    expect(openSnapshot(join(dir, 'none.json'))).toBeUndefined();
    writeFileSync(file, JSON.stringify({ format: 1, fingerprint: 'another build', files: {} }));
    expect(openSnapshot(file)).toBeUndefined();
  });
});
