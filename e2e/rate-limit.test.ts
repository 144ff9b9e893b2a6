import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../infra/src/config.ts';
import { waitFor } from '../infra/src/process.ts';
import { contractOperation } from './client.ts';

/** A router with a tiny allowance, so a handful of requests exhaust it. */
const PORT = 4091;
let router: ChildProcess;

beforeAll(async () => {
  router = spawn(process.execPath, [join(repoRoot, 'router', 'src', 'index.ts')], {
    env: {
      ...process.env,
      ROUTER_PORT: String(PORT),
      ROUTER_HOST: '127.0.0.1',
      ROUTER_SIGNING_SECRET: inject('routerSigningSecret'),
      RATE_LIMIT_PER_SECOND: '1',
      RATE_LIMIT_BURST: '3',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  if (!(await waitFor(async () => (await fetch(`http://127.0.0.1:${PORT}/health`)).ok, { timeoutMs: 30_000 }))) {
    throw new Error('the rate-limited router did not start');
  }
});

afterAll(() => {
  router.kill('SIGTERM');
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
    expect(body.errors[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send()).status).toBe(200);
  });
});
