import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { serviceDatabaseUrl } from '@emporium/config';
import { DEMO_ADMIN } from '@emporium/seed';
import { eventually, stackEndpoints } from '@emporium/testing';
import { repoRoot } from '../infra/src/config.ts';
import { waitFor } from '../infra/src/process.ts';
import { contractOperation, gql, run } from './client.ts';

const SEARCH = contractOperation('SearchProducts');
const SUGGEST = contractOperation('SearchSuggestions');

interface Hit {
  id: string;
  name: string;
  brand: string;
  thumbnailUrl: string | null;
  price: { amount: string; currencyCode: string };
}
interface SearchResult {
  searchProducts: {
    totalCount: number;
    edges: { cursor: string; node: Hit | null }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    facets: { field: string; values: { value: string; count: number }[] }[];
  };
}

const search = async (variables: Record<string, unknown>) => {
  const result = await gql<SearchResult>(SEARCH, variables);
  expect(result.errors).toBeUndefined();
  const data = result.data?.searchProducts;
  if (!data) throw new Error('no search result');
  return data;
};

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, 'product') });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The hits of a page, none of which may be a stale (deleted) product here. */
const hits = (result: SearchResult['searchProducts']): Hit[] =>
  result.edges.map(({ node }) => {
    expect(node).not.toBeNull();
    return node as Hit;
  });

const facet = (result: SearchResult['searchProducts'], field: string): Record<string, number> =>
  Object.fromEntries((result.facets.find((f) => f.field === field)?.values ?? []).map((v) => [v.value, v.count]));

let admin: string;
let cameras: string;

beforeAll(async () => {
  const login = await run<{ login: { token: string } }>('Login', {
    input: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
  });
  admin = login.data?.login.token ?? '';
  const [category] = await sql<{ id: string }>("SELECT id FROM categories WHERE slug = 'cameras'");
  if (!category) throw new Error('the seeded catalogue has no cameras category');
  cameras = category.id;
});

describe('SearchProducts', () => {
  it('finds products by name and brand, with product fields resolved by the product subgraph', async () => {
    const result = await search({ query: 'Apple iPhone', first: 10 });
    expect(result.totalCount).toBeGreaterThan(0);
    for (const node of hits(result)) {
      expect(node.brand).toBe('Apple');
      expect(node.name).toMatch(/iPhone/);
      expect(node.price.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('tolerates typos', async () => {
    const result = await search({ query: 'iphnoe', first: 5 });
    expect(result.edges.length).toBeGreaterThan(0);
    expect(hits(result)[0]?.name).toMatch(/iPhone/);
  });

  it('searches special characters literally instead of parsing them', async () => {
    for (const query of ['"unbalanced', 'a* OR b?', 'name:(x) [y] {z} ~^\\/', 'NOT AND OR']) {
      const result = await gql<SearchResult>(SEARCH, { query, first: 5 });
      expect(result.errors, query).toBeUndefined();
    }
  });

  it('counts facets that equal the catalogue, and keeps other brands counted when one is chosen', async () => {
    const truth = await sql<{ brand: string; count: string }>(
      'SELECT brand, count(*) FROM products WHERE category_id = $1 GROUP BY brand',
      [cameras],
    );
    const expected = Object.fromEntries(truth.map((row) => [row.brand, Number(row.count)]));
    const browse = await search({ query: '', first: 1, filter: { categoryIds: [cameras] } });
    expect(browse.totalCount).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
    expect(facet(browse, 'brand')).toEqual(expected);

    const chosen = truth[0]?.brand ?? '';
    const filtered = await search({ query: '', first: 1, filter: { categoryIds: [cameras], brands: [chosen] } });
    expect(filtered.totalCount).toBe(expected[chosen]);
    expect(facet(filtered, 'brand')).toEqual(expected);
  });

  // Newest first: other e2e files change the catalogue meanwhile, which moves relevance scores
  // (term statistics) between pages; relevance paging over a still index is covered by the
  // search subgraph's integration test.
  it('walks every page once: as many distinct results as totalCount', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 100; page += 1) {
      const result = await search({ query: 'Samsung Galaxy', first: 50, after, sort: 'NEWEST' });
      total = result.totalCount;
      for (const node of hits(result)) {
        expect(seen.has(node.id), `duplicate ${node.id}`).toBe(false);
        seen.add(node.id);
      }
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(50);
    expect(seen.size).toBe(total);
  });

  it('sorts by price both ways', async () => {
    const ascending = await search({ query: '', first: 20, sort: 'PRICE_ASC', filter: { categoryIds: [cameras] } });
    const prices = hits(ascending).map((node) => Number(node.price.amount));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const descending = await search({ query: '', first: 20, sort: 'PRICE_DESC', filter: { categoryIds: [cameras] } });
    const high = hits(descending).map((node) => Number(node.price.amount));
    expect(high).toEqual([...high].sort((a, b) => b - a));
  });

  it.each([
    ['a query over 256 characters', { query: 'x'.repeat(257), first: 5 }],
    ['first above 100', { query: 'phone', first: 101 }],
    ['first below 1', { query: 'phone', first: 0 }],
    ['a malformed cursor', { query: 'phone', first: 5, after: 'not-a-cursor' }],
  ])('answers %s with BAD_USER_INPUT', async (_label, variables) => {
    const result = await gql(SEARCH, variables);
    expect(result.errors?.map((e) => e.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
  });
});

describe('SearchSuggestions', () => {
  it('completes a prefix with product names', async () => {
    const result = await gql<{ searchSuggestions: { text: string; product: { id: string; name: string } | null }[] }>(
      SUGGEST,
      {
        prefix: 'galax',
      },
    );
    expect(result.errors).toBeUndefined();
    const suggestions = result.data?.searchSuggestions ?? [];
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.length).toBeLessThanOrEqual(8);
    for (const suggestion of suggestions) expect(suggestion.text.toLowerCase()).toContain('galax');
  });
});

describe('changes reach search through CDC', () => {
  it('shows a rename and a price change, and drops a deleted product', async () => {
    const [sample] = await sql<{ category_id: string; seller_id: string }>(
      'SELECT category_id, seller_id FROM products LIMIT 1',
    );
    const marker = `Zyphorix${Date.now().toString(36)}`;
    const created = await run<{ createProduct: { product: { id: string } | null } }>(
      'CreateProduct',
      {
        input: {
          name: `${marker} Camera`,
          description: 'Indexed through Debezium and Kafka.',
          brand: 'Emporium',
          price: { amount: '100.00', currencyCode: 'USD' },
          categoryId: sample?.category_id,
          sellerId: sample?.seller_id,
        },
      },
      { token: admin },
    );
    const id = created.data?.createProduct.product?.id ?? '';
    const findByMarker = async (query: string) =>
      (await search({ query, first: 5 })).edges.find(({ node }) => node?.id === id)?.node ?? undefined;

    await eventually(async () => findByMarker(marker), { timeoutMs: 20_000, what: 'the new product in search' });
    await run(
      'UpdateProduct',
      { input: { id, name: `${marker}Renamed Lens`, price: { amount: '75.50', currencyCode: 'USD' } } },
      { token: admin },
    );
    const renamed = await eventually(async () => findByMarker(`${marker}Renamed`), {
      timeoutMs: 20_000,
      what: 'the rename in search',
    });
    expect(renamed.price.amount).toBe('75.50');

    await gql(
      'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedProductId } }',
      { id },
      { token: admin },
    );
    await eventually(async () => ((await findByMarker(`${marker}Renamed`)) ? undefined : true), {
      timeoutMs: 20_000,
      what: 'the delete in search',
    });
  });
});

describe('when Elasticsearch is down', () => {
  const SEARCH_PORT = 4093;
  const ROUTER_PORT = 4094;
  const children: ChildProcess[] = [];
  const start = (entry: string, env: Record<string, string>) => {
    children.push(
      spawn(process.execPath, [join(repoRoot, entry)], {
        env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      }),
    );
  };

  beforeAll(async () => {
    // The running router's key pair, so this router can still reach product and identity.
    const secrets = inject('platformSecrets');
    start('subgraphs/search/src/index.ts', {
      SEARCH_PORT: String(SEARCH_PORT),
      ELASTICSEARCH_URL: 'http://127.0.0.1:9',
      ROUTER_PUBLIC_KEY: secrets.routerPublicKey,
    });
    start('router/src/index.ts', {
      ROUTER_PORT: String(ROUTER_PORT),
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PRIVATE_KEY: secrets.routerPrivateKey,
      SUBGRAPH_SEARCH_URL: `http://127.0.0.1:${SEARCH_PORT}/graphql`,
    });
    const ready = await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${ROUTER_PORT}/health`)).ok &&
        (await fetch(`http://127.0.0.1:${SEARCH_PORT}/health`)).ok,
      {
        timeoutMs: 30_000,
      },
    );
    if (!ready) throw new Error('the outage router or search subgraph did not start');
  });

  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });

  it('fails search fast with a clear error', async () => {
    const started = Date.now();
    const result = await gql(SEARCH, { query: 'phone', first: 5 }, { url: `http://127.0.0.1:${ROUTER_PORT}/graphql` });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.errors?.map((error) => [error.extensions?.['code'], error.path])).toEqual([
      ['SERVICE_UNAVAILABLE', ['searchProducts']],
    ]);
    expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('keeps the rest of the supergraph working', async () => {
    const result = await gql<{ products: { totalCount: number } }>(
      '{ products(first: 1) { totalCount } }',
      {},
      {
        url: `http://127.0.0.1:${ROUTER_PORT}/graphql`,
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.products.totalCount).toBeGreaterThan(0);
  });
});
