import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/core/errors.js';
import { PipelineConfigSchema } from '../../../../src/pipeline/config.js';
import { DEFAULT_MAX_BODY_BYTES, parseListen, resolveWebhookOptions, WebhookSourceSchema } from '../../../../src/sources/webhook/config.js';

describe('webhook configuration', () => {
  it('parses HOST:PORT, IPv6 in brackets and an empty host', () => {
    expect(parseListen('127.0.0.1:9765')).toEqual({ host: '127.0.0.1', port: 9765 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen(':8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListen('9765')).toBeUndefined();
    expect(parseListen('host:99999')).toBeUndefined();
  });

  it('defaults the body limit above the API server’s 10 MiB batches', () => {
    const c = WebhookSourceSchema.parse({ type: 'webhook' });
    expect(c.max_body_bytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(DEFAULT_MAX_BODY_BYTES).toBeGreaterThan(10 * 1024 * 1024);
    expect(c).toMatchObject({ listen: '127.0.0.1:9765', path: '/k8s-audit' });
  });

  it('is a source type of pipeline files, with unknown keys rejected', () => {
    const ok = PipelineConfigSchema.safeParse({ source: { type: 'webhook', listen: '0.0.0.0:9765' }, sinks: [{ type: 'sqlite', path: 'a.db' }] });
    expect(ok.success).toBe(true);
    const bad = PipelineConfigSchema.safeParse({ source: { type: 'webhook', lisen: '0.0.0.0:9765' }, sinks: [{ type: 'sqlite', path: 'a.db' }] });
    expect(bad.success).toBe(false);
  });

  it('reports every problem at once, one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-config-'));
    writeFileSync(join(dir, 'tokens'), 'x\n');
    const c = WebhookSourceSchema.parse({ type: 'webhook', listen: 'nope', tls: { cert: 'missing.pem', key: 'missing.key', client_clusters: { a: 'b' } }, token_file: 'tokens' });
    try {
      resolveWebhookOptions(c, 'default', (p) => join(dir, p));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems).toEqual([
        expect.stringMatching(/^listen "nope"/),
        expect.stringMatching(/^tls certificate missing.pem: cannot read it: ENOENT/),
        expect.stringMatching(/^tls key missing.key/),
        expect.stringMatching(/client_clusters needs tls.client_ca/),
        expect.stringMatching(/^token file tokens: line 1/),
      ]);
    }
  });
});
