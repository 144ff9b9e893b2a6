import { readFileSync } from 'node:fs';
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
import { postGraphQL, routerGraphQL } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';

const SEARCH = `query SearchProducts($query: String!, $first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
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
          await postGraphQL(url, SEARCH, { query: WORDS[i % WORDS.length], first: 20 });
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

/** CPU seconds used so far by each platform process, and by Elasticsearch (from its own stats). */
async function cpuSeconds(platform: BenchPlatform): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for (const [name, child] of platform.services.children) {
    if (child.pid === undefined) continue;
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    usage[name] = (Number(fields[11]) + Number(fields[12])) / 100;
  }
  const es = (await (
    await fetch(`${loadConfig(readStackEndpoints).elasticsearch.url}/_nodes/_local/stats/process`)
  ).json()) as {
    nodes: Record<string, { process: { cpu: { total_in_millis: number } } }>;
  };
  usage['elasticsearch'] = (Object.values(es.nodes)[0]?.process.cpu.total_in_millis ?? 0) / 1000;
  return usage;
}

/** Share of one core each process used between two readings. */
const coreShares = (before: Record<string, number>, after: Record<string, number>, seconds: number): string =>
  Object.entries(after)
    .map(([name, used]) => [name, (used - (before[name] ?? used)) / seconds] as const)
    .filter(([, share]) => share >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => `${name} ${(share * 100).toFixed(0)}%`)
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
  for (const rate of [50, 100]) {
    const before = await cpuSeconds(platform);
    const started = performance.now();
    const result = await fixedRate(rate, 30);
    const cpu = coreShares(before, await cpuSeconds(platform), (performance.now() - started) / 1000);
    rates.push({ rate, result, cpu });
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
| product commit → searchable through the router (${freshness.length} products, created one at a time) | ${ms(median(freshness))} | ${ms(percentile(freshness, 99))} | p99 ≤ 1500 ms |
${rates
  .map(
    ({ rate, result }) =>
      `| SearchProducts through the router, fixed ${rate} requests/s for 30 s (${result.latencies.length} answered, ${result.errors} errors) | ${ms(median(result.latencies))} | ${ms(percentile(result.latencies, 99))} | ${rate === 100 ? 'p99 ≤ 150 ms, no errors' : '-'} |`,
  )
  .join('\n')}

CPU by process during each load (share of one core; the machine has ${cpus().length}): ${rates
      .map(({ rate, cpu }) => `at ${rate}/s: ${cpu}`)
      .join('; ')}. The load generator runs on the same machine.

SQL statements the product subgraph runs to resolve a page of search results: ${Object.entries(sql)
      .map(([size, count]) => `${count} for ${size} results`)
      .join(', ')} (target ≤ 3 whatever the page size). The search subgraph itself runs none:
it answers from Elasticsearch and returns product references.
${rates.map(({ rate, result }) => (result.firstError ? `\nFirst error at ${rate}/s: ${result.firstError}\n` : '')).join('')}`,
  };
}
