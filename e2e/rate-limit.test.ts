import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractOperation } from './client.ts';
import { startRouter, type ExtraProcess } from './harness.ts';

/** A router with a tiny allowance, so a handful of requests exhaust it. */
const PORT = 4091;
let router: ExtraProcess;

beforeAll(async () => {
  router = await startRouter(PORT, { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '3' });
});

afterAll(() => {
  router.child.kill('SIGTERM');
});

describe('rate limiting', () => {
  it('answers a client over its allowance with 429, RATE_LIMITED and when to retry', async () => {
    const send = () =>
      fetch(`http://127.0.0.1:${PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: contractOperation('Me') }),
      });
    const allowed = [await send(), await send(), await send()];
    expect(allowed.map((response) => response.status)).toEqual([200, 200, 200]);

    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(body.errors[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
      requestId: refused.headers.get('x-request-id'),
    });

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send()).status).toBe(200);
  });
});
