import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../src/core/alert.js';
import { encodeAlert, slackText } from '../../../../src/sinks/alert-webhook/encode.js';
import { classifyResponse, retryAfterMs } from '../../../../src/sinks/alert-webhook/retry.js';

const a = {
  '@timestamp': '2026-11-20T09:12:03.5Z',
  alert: { id: 'abc', count: 1 },
  rule: { id: 'rbac-cluster-admin-binding', name: 'Binding to cluster-admin created', severity: 'critical' },
  message: 'Binding to cluster-admin created: alice <a@x> created clusterrolebinding ops-bot-admin',
  orchestrator: { cluster: { name: 'prod-eu-1' } },
  source: { ip: ['203.0.113.7'] },
  k8s_audit: { query: 'kubernetes.audit.auditID:"1"', discover_url: 'https://kibana/app/discover#/x' },
} as unknown as Alert;

describe('alert webhook encoding', () => {
  it('writes a Slack message with the severity, the sentence, where it came from and the Kibana link', () => {
    expect(slackText(a)).toBe(
      [
        ':red_circle: *CRITICAL* Binding to cluster-admin created (`rbac-cluster-admin-binding`)',
        'Binding to cluster-admin created: alice &lt;a@x&gt; created clusterrolebinding ops-bot-admin',
        'cluster prod-eu-1 · from 203.0.113.7 · at 2026-11-20T09:12:03.5Z',
        '<https://kibana/app/discover#/x|Open the events in Kibana>',
      ].join('\n'),
    );
    expect(JSON.parse(encodeAlert(a, 'slack'))).toEqual({ text: slackText(a) });
    expect(JSON.parse(encodeAlert(a, 'json'))).toEqual(a);
  });
});

describe('alert webhook retry decisions', () => {
  it('retries no answer, 408, 429 and 5xx, honouring Retry-After; gives up on other 4xx', () => {
    expect(classifyResponse(200)).toEqual({ action: 'done' });
    expect(classifyResponse(204)).toEqual({ action: 'done' });
    expect(classifyResponse(undefined, undefined, 'ECONNREFUSED')).toEqual({ action: 'retry', reason: 'no answer (ECONNREFUSED)' });
    expect(classifyResponse(429, '7')).toEqual({ action: 'retry', reason: 'the receiver answered 429', afterMs: 7000 });
    expect(classifyResponse(503).action).toBe('retry');
    expect(classifyResponse(408).action).toBe('retry');
    expect(classifyResponse(401)).toEqual({ action: 'fail', reason: 'the receiver refused the credentials (401): check token or headers' });
    expect(classifyResponse(404).action).toBe('fail');
    expect(classifyResponse(400).action).toBe('fail');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
