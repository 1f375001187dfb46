import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { loadPipelineConfig } from '../../../src/pipeline/config.js';
import { REPO_ROOT } from '../../helpers/events.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : n.endsWith('.yaml') ? [p] : [];
  });
}

describe('pipeline definitions', () => {
  const files = yamlFiles(join(REPO_ROOT, 'pipelines'));
  it('ships the ready-made pipelines', () => {
    expect(files.map((f) => f.slice(REPO_ROOT.length))).toEqual(expect.arrayContaining(['pipelines/local.yaml', 'pipelines/kafka-to-elasticsearch.yaml', 'pipelines/file-to-elasticsearch.yaml']));
  });
  it.each(files.map((f) => [f.slice(REPO_ROOT.length), f]))('%s is valid', (_name, file) => {
    expect(() => loadPipelineConfig(file)).not.toThrow();
  });

  it('reports every problem, one line each, naming the file and the key', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'k8s-audit-cfg-')), 'p.yaml');
    writeFileSync(f, 'source: { type: kafka, topics: [] , bogus: 1 }\nsinks: [{ type: elasticsearch, nodes: [not-a-url] }]\nextra: true\n');
    try {
      loadPipelineConfig(f);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems.length).toBeGreaterThanOrEqual(3);
      for (const p of problems) expect(p.startsWith(`${f}: `)).toBe(true);
      expect(problems.join('\n')).toMatch(/source\.topics/);
      expect(problems.join('\n')).toMatch(/bogus|extra/);
    }
  });
});
