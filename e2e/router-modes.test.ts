import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAssertionKeyPair } from '@emporium/auth';
import { ROUTER_URL, gql } from './client.ts';
import { startRouter, type ExtraProcess } from './harness.ts';

/**
 * A second router in production mode whose product subgraph URL points at a closed port:
 * what a client sees when a subgraph is down, and what production hides.
 */
const PORT = 4090;
const URL = `http://127.0.0.1:${PORT}/graphql`;
let router: ExtraProcess;

beforeAll(async () => {
  router = await startRouter(PORT, {
    NODE_ENV: 'production',
    // A key of its own: what these tests ask of it never needs a subgraph to trust it.
    ROUTER_PRIVATE_KEY: generateAssertionKeyPair().privateKey,
    // A closed port (1 would be refused by fetch itself, as a forbidden port, not as a dead subgraph).
    SUBGRAPH_PRODUCT_URL: 'http://127.0.0.1:4089/graphql',
  });
});

afterAll(() => {
  router.child.kill('SIGTERM');
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

  it('answers a query whose subgraph is down with SERVICE_UNAVAILABLE and no internals', async () => {
    const response = await gql('{ product(id: "00000000-0000-4000-8000-000000000000") { id name } }', {}, { url: URL });
    expect(response.errors?.map((error) => error.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    const text = JSON.stringify(response);
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed|stack|\.ts:\d+|subgraph/i);
  });
});
