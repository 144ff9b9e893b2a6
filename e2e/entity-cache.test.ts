import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_HOST, serviceDatabaseUrl } from '@emporium/config';
import { eventually, stackEndpoints } from '@emporium/testing';
import { gql } from './client.ts';
import { holdingProxy, startRouter, subgraphUrl, type ExtraProcess, type HoldingProxy } from './harness.ts';
import { admin, newShopper, productOnSale } from './shop.ts';

/**
 * A router of the test's own whose product subgraph sits behind a recording proxy, so the
 * test sees which product fetches the entity cache answered (they never reach the proxy) and
 * that a change made outside this router still reaches its readers through the change stream.
 */
const PORT = 4082;
const ADMIN_PORT = 4182;
const URL = `http://${LOCAL_HOST}:${PORT}/graphql`;
const METRICS = `http://${LOCAL_HOST}:${ADMIN_PORT}/metrics`;
/** What the product subgraph lets the router keep an answer for (its Cache-Control max-age). */
const MAX_AGE_MS = 60_000;

const PRODUCT = 'query ($id: ID!) { product(id: $id) { id name price { amount } } }';

interface ProductView {
  product: { id: string; name: string; price: { amount: string } } | null;
}

let product: HoldingProxy;
let router: ExtraProcess;

/** A router's gauge: 1 while its entity cache follows the catalogue's change stream. */
async function inSync(metrics = METRICS): Promise<boolean> {
  const text = await (await fetch(metrics)).text();
  return /^router_entity_cache_in_sync(\{[^}]*\})? 1$/m.test(text);
}

/** A router's count of entity-cache lookups that came to `result`. */
async function lookups(metrics: string, result: string): Promise<number> {
  const text = await (await fetch(metrics)).text();
  const line = new RegExp(`^router_entity_cache_lookups_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`, 'm');
  return Number(line.exec(text)?.[1] ?? 0);
}

async function read(id: string, token?: string, url = URL): Promise<NonNullable<ProductView['product']>> {
  const result = await gql<ProductView>(PRODUCT, { id }, { url, ...(token ? { token } : {}) });
  expect(result.errors).toBeUndefined();
  const found = result.data?.product;
  if (!found) throw new Error(`product ${id} not found`);
  return found;
}

beforeAll(async () => {
  product = await holdingProxy(subgraphUrl('product'));
  router = await startRouter(PORT, { ROUTER_ADMIN_PORT: String(ADMIN_PORT), SUBGRAPH_PRODUCT_URL: product.url });
  await eventually(async () => ((await inSync()) ? true : undefined), {
    timeoutMs: 60_000,
    what: "the test router's entity cache to follow the catalogue's changes",
  });
});

afterAll(async () => {
  router.child.kill('SIGTERM');
  await router.exited;
  await product.close();
});

describe('the entity cache', () => {
  it('answers a repeated product read without the product subgraph, for every caller alike', async () => {
    const { id, name } = await productOnSale('12.00', 1);
    // The product's creation reaches this router through the stream too, and drops what was
    // read of it before: once a read is answered from memory, the entry stays.
    const first = await eventually(
      async () => {
        const before = product.queries.length;
        const found = await read(id);
        return product.queries.length === before ? found : undefined;
      },
      { intervalMs: 50, what: 'a read of the new product answered from the cache' },
    );
    const sent = product.queries.length;
    const again = await read(id);
    const shopper = await read(id, await newShopper('cache'));

    expect(first).toEqual({ id, name, price: { amount: '12.00' } });
    expect(again).toEqual(first);
    expect(shopper).toEqual(first);
    expect(product.queries.length).toBe(sent);
  });

  it('shows a change made elsewhere once the change stream reports it, long before the max-age', async () => {
    const { id } = await productOnSale('20.00', 1);
    await read(id);
    await read(id);
    const sent = product.queries.length;
    const renamed = `Cache Renamed ${id.slice(0, 8)}`;
    // As another replica, a back-office tool or a migration would: nothing passes this router.
    const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, 'product') });
    await client.connect();
    const started = Date.now();
    try {
      await client.query('UPDATE products SET name = $1, updated_at = now() WHERE id = $2', [renamed, id]);
    } finally {
      await client.end();
    }
    const seen = await eventually(async () => ((await read(id)).name === renamed ? true : undefined), {
      // Well inside the max-age: seeing the change here proves the stream dropped the entry.
      timeoutMs: MAX_AGE_MS / 3,
      intervalMs: 50,
      what: 'the rename to reach the cached product',
    });
    expect(seen).toBe(true);
    expect(Date.now() - started).toBeLessThan(MAX_AGE_MS);
    expect(product.queries.length).toBeGreaterThan(sent);
  });

  it('lets an admin read their own write through this router at once', async () => {
    const { id } = await productOnSale('30.00', 1);
    await read(id);
    const updated = await gql<{ updateProduct: { userErrors: unknown[] } }>(
      'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { userErrors { code } } }',
      { input: { id, price: { amount: '31.00', currencyCode: 'USD' } } },
      { url: URL, token: await admin() },
    );
    expect(updated.data?.updateProduct.userErrors).toEqual([]);
    expect((await read(id)).price.amount).toBe('31.00');
  });

  it('is bypassed by a router that cannot reach Kafka, which serves product reads all the same', async () => {
    const port = 4083;
    const metrics = `http://${LOCAL_HOST}:${port + 100}/metrics`;
    // Nothing listens on port 9: the router cannot hear of changes, so it must not keep answers.
    const deaf = await startRouter(port, { ROUTER_ADMIN_PORT: String(port + 100), KAFKA_BROKERS: '127.0.0.1:9' });
    try {
      const { id, name } = await productOnSale('40.00', 1);
      const url = `http://${LOCAL_HOST}:${port}/graphql`;
      expect(await read(id, undefined, url)).toEqual({ id, name, price: { amount: '40.00' } });
      expect(await read(id, undefined, url)).toEqual({ id, name, price: { amount: '40.00' } });
      expect(await inSync(metrics)).toBe(false);
      expect(await lookups(metrics, 'bypass')).toBeGreaterThanOrEqual(2);
      expect(await lookups(metrics, 'hit')).toBe(0);
    } finally {
      deaf.child.kill('SIGTERM');
      await deaf.exited;
    }
  });
});
