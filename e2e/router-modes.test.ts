import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../infra/src/config.ts';
import { waitFor } from '../infra/src/process.ts';
import { ROUTER_URL, gql } from './client.ts';

/**
 * A second router in production mode whose product subgraph URL points at a closed port:
 * what a client sees when a subgraph is down, and what production hides.
 */
const PORT = 4090;
const URL = `http://127.0.0.1:${PORT}/graphql`;
let router: ChildProcess;

beforeAll(async () => {
  router = spawn(process.execPath, [join(repoRoot, 'router', 'src', 'index.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ROUTER_PORT: String(PORT),
      ROUTER_HOST: '127.0.0.1',
      ROUTER_SIGNING_SECRET: 'a-secret-for-this-test-router-only-0123456789',
      SUBGRAPH_PRODUCT_URL: 'http://127.0.0.1:1/graphql',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const ready = await waitFor(async () => (await fetch(`http://127.0.0.1:${PORT}/health`)).ok, { timeoutMs: 30_000 });
  if (!ready) throw new Error('the production router did not start');
});

afterAll(() => {
  router.kill('SIGTERM');
});

describe('router modes', () => {
  it('serves Apollo Sandbox on GET /graphql in development', async () => {
    const response = await fetch(ROUTER_URL, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
  });

  it('serves no landing page and no introspection in production', async () => {
    const page = await fetch(URL, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
    const introspection = await gql('{ __schema { types { name } } }', {}, { url: URL });
    expect(introspection.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a query whose subgraph is down with a generic error and no internals', async () => {
    const response = await gql('{ product(id: "00000000-0000-4000-8000-000000000000") { id name } }', {}, { url: URL });
    expect(response.errors?.map((error) => error.extensions?.['code'])).toEqual(['INTERNAL_SERVER_ERROR']);
    const text = JSON.stringify(response);
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed|stack|\.ts:\d+|subgraph/i);
  });
});
