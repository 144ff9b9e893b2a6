import { cpus } from 'node:os';
import { execute, parse } from 'graphql';
import { loadConfig, readStackEndpoints } from '@emporium/config';
import { createOrm } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { DEMO_ADMIN } from '@emporium/seed';
import { contextFactory } from '../../../subgraphs/product/src/context.ts';
import { entities } from '../../../subgraphs/product/src/entities/index.ts';
import { migrations } from '../../../subgraphs/product/src/migrations/index.ts';
import { buildSchema } from '../../../subgraphs/product/src/schema.ts';
import { CatalogueService } from '../../../subgraphs/product/src/services/catalogue.service.ts';
import { ReviewService } from '../../../subgraphs/product/src/services/review.service.ts';
import { ROUTER, serviceUrl } from '../../../infra/src/services.ts';
import { cpuAboveIdle, cpuRates, cpuSeconds, cpuUsed } from '../cpu.ts';
import { postGraphQL, routerGraphQL } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';

/** The contract's SearchProducts, as the storefront sends it. */
export const SEARCH = `query SearchProducts($query: String!, $first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
  searchProducts(query: $query, first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount edges { cursor node { id name brand thumbnailUrl price { amount currencyCode } } }
    pageInfo { hasNextPage endCursor } facets { field values { value count } } }
}`;
const WORDS = [
  'iphone',
  'galaxy',
  'pixel',
  'thinkpad',
  'macbook',
  'camera',
  'lens',
  'jeans',
  'sneakers',
  'jacket',
  'sony',
  'dell',
  'shirt',
  'charger',
  'headphones',
  'nikon',
  'canon',
  'laptop 16 GB',
  'running shoes',
  'slim fit',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value: number): string => `${value.toFixed(0)} ms`;

const graphql = <T>(query: string, variables: object, token?: string): Promise<T> =>
  routerGraphQL<T>(serviceUrl(ROUTER, '/graphql'), query, variables, token);

/** Commit (the mutation's answer) to the first search through the router that finds the product. */
async function commitToSearchable(runs: number): Promise<number[]> {
  const { login } = await graphql<{ login: { token: string } }>(
    'mutation ($i: LoginInput!) { login(input: $i) { token } }',
    {
      i: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
    },
  );
  const sample = await graphql<{
    products: { edges: { node: { category: { id: string }; seller: { id: string } } }[] };
  }>('{ products(first: 1) { edges { node { category { id } seller { id } } } } }', {});
  const ref = sample.products.edges[0]?.node;
  const latencies: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const marker = `Benchmarkium${Date.now().toString(36)}${run}`;
    const created = await graphql<{ createProduct: { product: { id: string } } }>(
      'mutation ($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }',
      {
        i: {
          name: `${marker} Phone`,
          description: 'bench',
          brand: 'Bench',
          price: { amount: '1.00', currencyCode: 'USD' },
          categoryId: ref?.category.id,
          sellerId: ref?.seller.id,
        },
      },
      login.token,
    );
    const committed = performance.now();
    for (;;) {
      const found = await graphql<{ searchProducts: { totalCount: number } }>(SEARCH, { query: marker, first: 1 });
      if (found.searchProducts.totalCount > 0) break;
      if (performance.now() - committed > 30_000) throw new Error(`${marker} never became searchable`);
      await sleep(10);
    }
    latencies.push(performance.now() - committed);
    await graphql(
      'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedProductId } }',
      { id: created.createProduct.product.id },
      login.token,
    );
  }
  return latencies;
}

/** Open-loop load: requests start on a fixed schedule whatever the answers do, as real traffic does. */
async function fixedRate(
  rate: number,
  seconds: number,
  unique = false,
): Promise<{ latencies: number[]; errors: number; firstError?: string }> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const url = serviceUrl(ROUTER, '/graphql');
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      (async () => {
        const begin = performance.now();
        try {
          // A unique request: a price ceiling no product reaches changes no result, but no
          // cache has seen the request before, as for a query from the long tail.
          const filter = unique ? { maxPrice: String(1_000_000 + i) } : undefined;
          await postGraphQL(url, SEARCH, { query: WORDS[i % WORDS.length], first: 20, filter });
          latencies.push(performance.now() - begin);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      })(),
    );
  }
  await Promise.all(inFlight);
  return { latencies, errors, ...(firstError ? { firstError } : {}) };
}

/** Share of one core each part of the platform used between two readings. */
const coreShares = (before: Map<string, number>, after: Map<string, number>, seconds: number): string =>
  cpuUsed(before, after)
    .filter(([, used]) => used / seconds >= 0.01)
    .map(([part, used]) => `${part} ${((used / seconds) * 100).toFixed(0)}%`)
    .join(', ');

/** SQL the product subgraph runs to resolve one page of search results (an `_entities` call), by page size. */
async function sqlPerPage(): Promise<Record<number, number>> {
  const statements: string[] = [];
  const logger = createLogger('bench', { level: 'silent' });
  const serverUrl = loadConfig(readStackEndpoints).postgres.url;
  const orm = await createOrm({
    service: 'product',
    serverUrl,
    entities,
    migrations,
    logger,
    onQuery: (sql) => statements.push(sql),
  });
  try {
    const ids = (
      await orm.em.fork().execute<{ id: string }[]>('SELECT id FROM products ORDER BY created_at DESC LIMIT 100')
    ).map((row) => row.id);
    const document = parse(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name brand thumbnailUrl price { amount currencyCode } } } }',
    );
    const result: Record<number, number> = {};
    for (const size of [20, 100]) {
      const context = contextFactory({
        orm,
        catalogue: new CatalogueService(),
        reviews: new ReviewService(),
        mediaBaseUrl: 'https://media',
      })({
        caller: null,
        requestId: 'bench',
      });
      statements.length = 0;
      const run = await execute({
        schema: buildSchema(),
        document,
        variableValues: { r: ids.slice(0, size).map((id) => ({ __typename: 'Product', id })) },
        contextValue: context,
      });
      if (run.errors) throw new Error(run.errors[0]?.message);
      result[size] = statements.length;
    }
    return result;
  } finally {
    await orm.close();
  }
}

/**
 * Search: how fast a catalogue change becomes searchable through Debezium, Kafka and the
 * indexer; SearchProducts through the router at a fixed 100 requests/s; and the SQL a page
 * of results costs the product subgraph.
 */
export async function searchScenario(platform: BenchPlatform): Promise<BenchSection> {
  const freshness = await commitToSearchable(30);
  await fixedRate(50, 5); // warm-up: JIT, pools, planner and request caches
  const rates = [];
  const runs = [
    { rate: 50, unique: false },
    { rate: 100, unique: false },
    { rate: 100, unique: true },
    // New to every cache at a rate this machine's Elasticsearch keeps up with, for the CPU a
    // long-tail search costs when nothing queues.
    { rate: 20, unique: true },
  ];
  // What the platform uses doing nothing, so each run's CPU per search is its own.
  const idle = await cpuRates(platform, 5000);
  for (const { rate, unique } of runs) {
    const before = cpuSeconds(platform);
    const started = performance.now();
    const result = await fixedRate(rate, 30, unique);
    const after = cpuSeconds(platform);
    const seconds = (performance.now() - started) / 1000;
    const cpu = coreShares(before, after, seconds);
    const aboveIdle = cpuAboveIdle(before, after, idle, seconds).reduce((sum, [, used]) => sum + used, 0);
    const perSearchMs = (aboveIdle * 1000) / Math.max(1, result.latencies.length);
    rates.push({ rate, unique, result, cpu, perSearchMs });
  }
  const sql = await sqlPerPage();
  // The platform seeds only an empty database, so say how large the catalogue really was.
  const { products } = await graphql<{ products: { totalCount: number } }>('{ products(first: 1) { totalCount } }', {});
  return {
    id: 'search',
    title: 'Search: freshness, latency at a fixed request rate, SQL per page',
    body: `
Catalogue: ${products.totalCount} products.

| metric | p50 | p99 | target |
| --- | --- | --- | --- |
| product commit → searchable through the router (${freshness.length} products, created one at a time) | ${ms(median(freshness))} | ${ms(percentile(freshness, 99))} | p99 ≤ 1000 ms (issue 16) |
${rates
  .map(
    ({ rate, unique, result }) =>
      `| SearchProducts through the router, fixed ${rate} requests/s for 30 s${unique ? ', every request new to the caches' : ''} (${result.latencies.length} answered, ${result.errors} errors) | ${ms(median(result.latencies))} | ${ms(percentile(result.latencies, 99))} | ${rate === 100 ? 'p99 ≤ 150 ms, no errors' : '-'} |`,
  )
  .join('\n')}

CPU per answered search, every process (engines, router, subgraphs, load generator) above its
idle rate over the run:

| run | CPU per search | target |
| --- | --- | --- |
${rates
  .map(
    ({ rate, unique, perSearchMs, result }) =>
      `| ${rate}/s, ${unique ? 'every request new to the caches' : `${WORDS.length} repeated queries`}${result.errors > 0 ? ` (${result.errors} errors)` : ''} | **${perSearchMs.toFixed(1)} ms** | ${unique ? '≤ 12 ms' : '≤ 6 ms'} |`,
  )
  .join('\n')}

The fixed-rate runs cycle through ${WORDS.length} queries, so after the warm-up Elasticsearch answers
their hits and facets from its shard request cache, which stays valid until a refresh changes
the index, and the router answers each page's products from its entity cache. The runs marked
new are each new to Elasticsearch's cache and to the search subgraph, as queries from the long
tail are; their price ceiling changes no result, so a page's products are ones the router has
kept, as for a long-tail query whose hits are popular products.

CPU by process during each load (share of one core; the machine has ${cpus().length}): ${rates
      .map(({ rate, unique, cpu }) => `at ${rate}/s${unique ? ' (new requests)' : ''}: ${cpu}`)
      .join('; ')}. The load generator runs on the same machine.

SQL statements the product subgraph runs to resolve a page of search results: ${Object.entries(sql)
      .map(([size, count]) => `${count} for ${size} results`)
      .join(', ')} (target ≤ 3 whatever the page size). The search subgraph itself runs none:
it answers from Elasticsearch and returns product references.
${rates
  .map(({ rate, unique, result }) =>
    result.firstError ? `\nFirst error at ${rate}/s${unique ? ' (new requests)' : ''}: ${result.firstError}\n` : '',
  )
  .join('')}
An error is a search that Elasticsearch did not answer within the search subgraph's timeout
(1.5 s): it fails fast with "Search is temporarily unavailable" rather than queueing.
`,
  };
}
