// Sends one alert per HTTPS POST. Retries and the dead-letter file are composed around it
// (pipeline/alert-delivery.ts); this file only speaks HTTP and says whether a failure is worth
// retrying (TransientError) or not (DeliveryError).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Alert } from '../../core/alert.js';
import { DeliveryError, TransientError } from '../../core/errors.js';
import type { ResolvedAlertWebhookConfig } from './config.js';
import { encodeAlert } from './encode.js';
import { classifyResponse } from './retry.js';

interface Answer {
  status?: number;
  retryAfter?: string;
  error?: string;
}

export function createAlertWebhookSender(config: ResolvedAlertWebhookConfig) {
  const https = config.url.protocol === 'https:';
  const where = `${config.url.origin}${config.url.pathname}`;

  function post(body: string, alertId: string, signal?: AbortSignal): Promise<Answer> {
    return new Promise((resolve) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'k8s-audit-pipeline',
        // Receivers can deduplicate retries on this: a burst summary carries its first alert's id.
        'x-k8s-audit-alert-id': alertId,
        ...config.headers,
      };
      if (config.token) headers.authorization = `Bearer ${config.token.reveal()}`;
      const options = { method: 'POST', headers, timeout: config.timeoutMs, ...(signal ? { signal } : {}), ...(https ? { ca: config.ca, rejectUnauthorized: config.rejectUnauthorized } : {}) };
      const req = (https ? httpsRequest : httpRequest)(config.url, options, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
        res.on('error', (e) => resolve({ error: e.message }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${config.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ error: e.message }));
      req.end(body);
    });
  }

  const stats = { sent: 0 };
  return {
    name: `webhook ${where}`,
    stats,
    async send(alert: Alert, signal?: AbortSignal): Promise<void> {
      const answer = await post(encodeAlert(alert, config.encoding), alert.alert.id, signal);
      const decision = classifyResponse(answer.status, answer.retryAfter, answer.error);
      if (decision.action === 'done') {
        stats.sent++;
        return;
      }
      if (decision.action === 'retry') throw new TransientError(decision.reason, { context: decision.afterMs !== undefined ? { retryAfterMs: decision.afterMs } : {} });
      throw new DeliveryError(decision.reason);
    },
    async close() {},
  };
}
