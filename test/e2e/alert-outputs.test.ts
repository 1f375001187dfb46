// Alert outputs end to end: the samples' incident through a pipeline file to an HTTPS webhook (a
// receiver with a certificate generated here, which answers 503 at first), a Slack-style webhook,
// and an NDJSON alerts file; then a receiver that is down for good, whose alerts land in the
// dead-letter file instead of disappearing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineConfigSchema } from '../../src/pipeline/config.js';
import { runFromConfig } from '../../src/pipeline/from-config.js';
import { REPO_ROOT } from '../helpers/events.js';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-alert-outputs-'));
const received: Received[] = [];
let failuresLeft = 2;
let server: Server;
let base = '';

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.url === '/down') return void res.writeHead(503).end();
      if (req.url === '/hooks/json' && failuresLeft-- > 0) return void res.writeHead(503, { 'retry-after': '0' }).end();
      if (req.headers.authorization !== 'Bearer s3cret') return void res.writeHead(401).end();
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const webhook = (path: string, extra: Record<string, unknown> = {}) => ({ type: 'webhook', url: `${base}${path}`, ca_file: 'cert.pem', token: 's3cret', retry_initial_ms: 5, retry_max_ms: 20, ...extra });

describe('alert outputs', () => {
  it('delivers the incident to an HTTPS webhook (JSON and Slack) and an NDJSON file, with a floor, throttling and Kibana links', async () => {
    const config = PipelineConfigSchema.parse({
      cluster: 'prod-eu-1',
      source: { type: 'file', path: join(REPO_ROOT, 'samples/audit.log'), follow: false },
      sinks: [
        webhook('/hooks/json', { min_severity: 'high' }),
        webhook('/hooks/slack', { encoding: 'slack', min_severity: 'critical' }),
        { type: 'alerts_file', path: 'alerts.ndjson' },
      ],
      kibana: { url: 'https://kibana.example.com' },
    });
    const stats = await runFromConfig(config, dir, new AbortController().signal);
    expect(stats.alerts).toBeGreaterThan(0);

    const json = received.filter((r) => r.path === '/hooks/json').map((r) => r.body as { rule: { id: string; severity: string }; message: string; evidence: object; k8s_audit: { discover_url: string } });
    expect(json.length).toBeGreaterThan(0);
    expect(json.every((a) => ['high', 'critical'].includes(a.rule.severity))).toBe(true);
    const binding = json.find((a) => a.rule.id === 'rbac-cluster-admin-binding')!;
    expect(binding.message).toBe('Binding to cluster-admin created: alice@example.com (as system:serviceaccount:shop:ops-bot) created clusterrolebinding ops-bot-admin');
    expect(Object.keys(binding.evidence).length).toBeGreaterThan(0);
    expect(binding.k8s_audit.discover_url).toMatch(/^https:\/\/kibana\.example\.com\/app\/discover#\/\?_g=/);
    expect(received.find((r) => r.path === '/hooks/json')!.headers['x-k8s-audit-alert-id']).toMatch(/^[0-9a-f]{24}$/);

    const slack = received.filter((r) => r.path === '/hooks/slack').map((r) => r.body as { text: string });
    expect(slack.length).toBeGreaterThan(0);
    expect(slack.every((m) => m.text.startsWith(':red_circle: *CRITICAL*'))).toBe(true);
    expect(slack.map((m) => m.text).join('\n')).toMatch(/created clusterrolebinding ops-bot-admin\ncluster prod-eu-1 · from [\d.]+ · at 2026-11-20T[\d:.]+Z\n<https:\/\/kibana\.example\.com\/app\/discover#/);

    const file = readFileSync(join(dir, 'alerts.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { rule: { severity: string }; alert: { id: string } });
    expect(file.length).toBeGreaterThan(json.length);
    expect(file.some((a) => a.rule.severity === 'low')).toBe(true);
  });

  it('keeps alerts in the dead-letter file when the receiver stays down', async () => {
    const config = PipelineConfigSchema.parse({
      source: { type: 'file', path: join(REPO_ROOT, 'samples/audit.log'), follow: false },
      sinks: [webhook('/down', { min_severity: 'critical', max_attempts: 3, dead_letter: 'webhook-dead.ndjson' })],
    });
    const stats = await runFromConfig(config, dir, new AbortController().signal);
    const dead = readFileSync(join(dir, 'webhook-dead.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; attempts: number; alert: { rule: { severity: string } } });
    expect(dead.length).toBe(stats.alertsBySeverity.critical);
    expect(dead[0]).toMatchObject({ attempts: 3, reason: expect.stringMatching(/answered 503 \(gave up after 3 attempts\)/), alert: { rule: { severity: 'critical' } } });
  });
});
