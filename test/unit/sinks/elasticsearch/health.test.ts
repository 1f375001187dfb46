import { createServer } from 'node:net';
import { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { describeEsError } from '../../../../src/sinks/elasticsearch/health.js';
import { classifyRequest } from '../../../../src/sinks/elasticsearch/retry.js';

describe('describeEsError', () => {
  it('reports a refused connection as no answer (the client says statusCode 0), so it is retried as such', async () => {
    // A port that was just free: nothing listens, the connection is refused at once.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const client = new Client({ node: `http://127.0.0.1:${port}`, maxRetries: 0, requestTimeout: 2000 });
    const error = await client.bulk({ operations: [{ create: { _index: 'x', _id: '1' } }, { a: 1 }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.close();
    const f = describeEsError(error);
    expect(f.name).toBe('ConnectionError');
    expect(f.status).toBeUndefined();
    expect(classifyRequest(f.status, f.name)).toEqual({ action: 'retry', reason: 'no response (ConnectionError)' });
  });

  it('keeps real HTTP statuses', () => {
    expect(describeEsError({ name: 'ResponseError', message: 'busy', meta: { statusCode: 429 } })).toEqual({ name: 'ResponseError', message: 'busy', status: 429 });
  });
});
