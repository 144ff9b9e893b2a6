import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse, type ExecutionResult } from 'graphql';
import pg from 'pg';
import { databaseName, serviceDatabaseUrl } from '@emporium/config';
import { createOrm, migrate } from '@emporium/db';
import { createElasticsearch, type Client } from '@emporium/elasticsearch';
import { createKafka, type ChangeConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
// Test-only reach into the product subgraph: its migrations make a real catalogue schema.
import { entities } from '../../product/src/entities/index.ts';
import { migrations } from '../../product/src/migrations/index.ts';
import { deleteConnector, readConnectorDefinitions, registerConnectors } from '../../../infra/src/connectors.ts';
import { contextFactory } from '../src/context.ts';
import { CatalogueIndexer } from '../src/services/catalogue-indexer.ts';
import { startIndexerConsumer } from '../src/events/consumers/indexer.consumer.ts';
import { topicName, CATALOGUE_TABLES } from '../src/events/catalogue-change.event.ts';
import { ensureIndex, indexNames, versionedIndices } from '../src/search-index/products-index.ts';
import { rebuildIndex } from '../src/search-index/rebuild.ts';
import { buildSchema } from '../src/schema.ts';
import { SearchService } from '../src/services/search.service.ts';

/**
 * The whole search pipeline on the real stack: a scratch copy of the product schema, the
 * catalogue connector registered under unique names, the indexer consuming in-process into
 * a unique alias, and searches through the subgraph's schema.
 */
const endpoints = stackEndpoints();
const logger = createLogger('test', { level: 'silent' });
const run = uniqueName('search');
const connectorName = run;
const topicPrefix = `cdc.${run}`;
const groupId = `${run}-indexer`;
const names = indexNames(uniqueName('products_test'));
const kafka = createKafka({ clientId: run, brokers: endpoints.kafka.brokers, logger });
const stockTopic = `${topicPrefix}.stock`;
const topics = [...CATALOGUE_TABLES.map((table) => topicName(topicPrefix, table)), stockTopic];
const schema = buildSchema();

let database: ScratchDatabase;
let sql: pg.Client;
let client: Client;
let indexer: CatalogueIndexer;
let consumer: ChangeConsumer | undefined;
let connectorDir: string | undefined;

// ------------------------------------------------------------------ the catalogue

interface Model {
  id: string;
  name: string;
  brand: string;
  categoryId: string;
  sellerId: string;
  priceMinor: number;
  ratingCount: number;
  ratingSum: number;
}

const category = {
  electronics: randomUUID(),
  mobiles: randomUUID(),
  laptops: randomUUID(),
  fashion: randomUUID(),
  shoes: randomUUID(),
};
const parents: Record<string, string | null> = {
  [category.electronics]: null,
  [category.mobiles]: category.electronics,
  [category.laptops]: category.electronics,
  [category.fashion]: null,
  [category.shoes]: category.fashion,
};
const seller = { northwind: randomUUID(), contoso: randomUUID() };
const catalogue: Model[] = [];

const product = (
  name: string,
  brand: string,
  categoryId: string,
  priceMinor: number,
  ratingCount = 0,
  ratingSum = 0,
): Model => ({
  id: randomUUID(),
  name,
  brand,
  categoryId,
  sellerId: catalogue.length % 2 === 0 ? seller.northwind : seller.contoso,
  priceMinor,
  ratingCount,
  ratingSum,
});

const iphone = product('Apple iPhone 15 Pro', 'Apple', category.mobiles, 99_900, 10, 45);
const stand = product('Pro stand for iPhone and 15 inch laptops', 'Deskmate', category.laptops, 2_999, 3, 12);
const galaxy = product('Samsung Galaxy S24', 'Samsung', category.mobiles, 79_900, 4, 18);
const macbook = product('Apple MacBook Air 13', 'Apple', category.laptops, 109_900, 2, 9);
const sneakers = product('Runner sneakers', 'Stride', category.shoes, 5_999);
const pixel = product('Google Pixel 9', 'Google', category.mobiles, 69_900, 1, 5);

async function insert(model: Model, minutesAgo: number): Promise<void> {
  catalogue.push(model);
  await sql.query(
    `INSERT INTO products (id, name, description, brand, price_minor, currency_code, category_id, seller_id,
       rating_count, rating_sum, created_at)
     VALUES ($1, $2, $3, $4, $5, 'USD', $6, $7, $8, $9, now() - ($10 * interval '1 minute'))`,
    [
      model.id,
      model.name,
      `${model.name}, described.`,
      model.brand,
      model.priceMinor,
      model.categoryId,
      model.sellerId,
      model.ratingCount,
      model.ratingSum,
      minutesAgo,
    ],
  );
}

const fillers = (from: number, count: number): Model[] =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const categories = [category.mobiles, category.laptops, category.shoes];
    return product(
      `Generic item ${n}`,
      ['Acme', 'Globex', 'Initech'][n % 3] ?? 'Acme',
      categories[n % 3] ?? category.mobiles,
      1_000 + ((n * 5_371) % 300_000),
      n % 4,
      (n % 4) * 3,
    );
  });

// ------------------------------------------------------------------ helpers

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: { field: string; values: { value: string; label: string; count: number }[] }[];
}

const SEARCH = parse(`
  query Search($query: String!, $first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
    searchProducts(query: $query, first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage endCursor }
      facets { field values { value label count } }
    }
  }
`);
const SUGGEST = parse(`
  query Suggest($prefix: String!, $first: Int) { searchSuggestions(prefix: $prefix, first: $first) { text product { id } } }
`);

const contextFor = (service: SearchService) => contextFactory({ search: service })({ caller: null, requestId: 'test' });

async function graphql(
  document: ReturnType<typeof parse>,
  variables: Record<string, unknown>,
  service = new SearchService({ client, alias: names.alias, logger }),
): Promise<ExecutionResult> {
  return execute({ schema, document, variableValues: variables, contextValue: contextFor(service) });
}

async function search(variables: Record<string, unknown>): Promise<Connection> {
  const result = await graphql(SEARCH, variables);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('; '));
  return (result.data as { searchProducts: Connection }).searchProducts;
}

const errorCodes = async (variables: Record<string, unknown>): Promise<unknown[]> =>
  ((await graphql(SEARCH, variables)).errors ?? []).map((error) => error.extensions['code']);

const ids = (connection: Connection): string[] => connection.edges.map((edge) => edge.node.id);

/** Waits until a search satisfies `check`: changes reach the index asynchronously. */
const searchUntil = (
  variables: Record<string, unknown>,
  check: (connection: Connection) => boolean,
  what: string,
): Promise<Connection> =>
  eventually(
    async () => {
      const connection = await search(variables);
      return check(connection) ? connection : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 300, what },
  );

/** Waits until the indexer's group has committed everything the catalogue topics hold. */
async function indexerCaughtUp(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const end of ends) {
            const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            if (end.high !== '0' && Number(offset) < Number(end.high)) return undefined;
          }
        }
        return true;
      },
      { timeoutMs: 45_000, what: 'the indexer to commit every change' },
    );
  } finally {
    await admin.disconnect();
  }
}

const lineage = (categoryId: string): string[] => {
  const chain: string[] = [];
  for (let id: string | null | undefined = categoryId; id; id = parents[id]) chain.push(id);
  return chain;
};

const countBy = (models: readonly Model[], key: (model: Model) => string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const model of models) for (const value of key(model)) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

const facet = (connection: Connection, field: string): Map<string, number> =>
  new Map(connection.facets.find((f) => f.field === field)?.values.map((v) => [v.value, v.count]));

async function startConsumer(): Promise<void> {
  consumer = await startIndexerConsumer({ kafka, groupId, topicPrefix, stockTopic, indexer, logger });
}

// ------------------------------------------------------------------ set-up and clean-up

beforeAll(async () => {
  database = await createScratchDatabase('search');
  const orm = await createOrm({ ...database, entities, migrations, logger });
  await migrate(orm, database);
  await orm.close();
  sql = new pg.Client({ connectionString: serviceDatabaseUrl(database.serverUrl, database.service) });
  await sql.connect();
  for (const [key, id] of Object.entries(category)) {
    await sql.query('INSERT INTO categories (id, name, slug, parent_id) VALUES ($1, $2, $3, $4)', [
      id,
      `${key.charAt(0).toUpperCase()}${key.slice(1)}`,
      key,
      parents[id],
    ]);
  }
  await sql.query('INSERT INTO sellers (id, name) VALUES ($1, $2), ($3, $4)', [
    seller.northwind,
    'Northwind Traders',
    seller.contoso,
    'Contoso Retail',
  ]);
  // Before the connector exists: these reach the index through its snapshot.
  for (const [i, model] of [iphone, stand, galaxy, macbook, sneakers, ...fillers(0, 20)].entries()) {
    await insert(model, 1000 - i);
  }

  client = createElasticsearch({ url: endpoints.elasticsearch.url });
  await ensureIndex(client, names);
  indexer = new CatalogueIndexer({ client, names, logger });

  // The real catalogue.json, renamed for this run, registered the way `npm start` does (twice: idempotent).
  const [definition] = readConnectorDefinitions().filter((d) => d.name === 'catalogue');
  if (!definition) throw new Error('cdc-connectors/catalogue.json is missing');
  connectorDir = mkdtempSync(join(tmpdir(), 'connectors-'));
  const config = {
    ...definition.config,
    'database.dbname': databaseName(database.service),
    'topic.prefix': topicPrefix,
    'slot.name': run,
    'publication.name': `${run}_pub`,
    'slot.drop.on.stop': 'true',
  };
  writeFileSync(join(connectorDir, 'catalogue.json'), JSON.stringify({ name: connectorName, config }));
  for (let i = 0; i < 2; i += 1) {
    expect(await registerConnectors({ directory: connectorDir, databaseUrl: database.serverUrl, retired: [] })).toEqual(
      [connectorName],
    );
  }
  await startConsumer();
});

afterAll(async () => {
  await consumer?.stop();
  await deleteConnector(endpoints.connect.url, connectorName).catch(() => undefined);
  if (connectorDir) rmSync(connectorDir, { recursive: true, force: true });
  await sql.end();
  const server = new pg.Client({ connectionString: database.serverUrl });
  await server.connect();
  try {
    // slot.drop.on.stop drops the slot once the task stops; the database can go after that.
    await eventually(
      async () => {
        await server.query(
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [run],
        );
        await database.drop();
        return true;
      },
      { what: 'the scratch database to be dropped' },
    );
  } finally {
    await server.end();
  }
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [...topics, `__debezium-heartbeat.${topicPrefix}`] }).catch(() => undefined);
  await admin.disconnect();
  const indices = [...(await versionedIndices(client, names)).keys(), names.categories, names.sellers, names.stock];
  await client.indices.delete({ index: indices }, { ignore: [404] });
  await client.close();
});

// ------------------------------------------------------------------ the tests

describe('the search pipeline', () => {
  it('indexes the existing catalogue from the snapshot, then new rows as they are inserted', async () => {
    for (const [i, model] of [pixel, ...fillers(20, 4)].entries()) await insert(model, 10 - i);
    const all = await searchUntil(
      { query: '', first: 100 },
      (connection) => connection.totalCount === catalogue.length,
      `all ${catalogue.length} products`,
    );
    expect(new Set(ids(all))).toEqual(new Set(catalogue.map((model) => model.id)));
    // Browsing without a sort shows the newest first.
    expect(ids(all)[0]).toBe(catalogue.at(-1)?.id);
  });

  it('finds the iPhone for "iphnoe" and ranks the phrase above scattered words', async () => {
    const typo = await search({ query: 'iphnoe' });
    expect(ids(typo)).toContain(iphone.id);
    const phrase = await search({ query: 'iphone 15 pro' });
    expect(ids(phrase).slice(0, 2)).toEqual([iphone.id, stand.id]);
    const brandAndName = await search({ query: 'apple iphone' });
    expect(ids(brandAndName)[0]).toBe(iphone.id);
  });

  it('searches syntax characters literally instead of failing', async () => {
    for (const query of [
      '"iphone',
      'iphone*',
      'title:iphone',
      'pro AND (iphone OR NOT) [1 TO 2] {x} ~2 ^3 \\ /',
      '*?:',
    ]) {
      const result = await graphql(SEARCH, { query });
      expect(result.errors, query).toBeUndefined();
    }
    // "AND" is a word like any other: the stand's name has "and", so it matches all three words.
    const literal = ids(await search({ query: 'iphone AND pro' }));
    expect(literal.slice(0, 2)).toEqual([stand.id, iphone.id]);
    expect((await search({ query: '*?:' })).totalCount).toBe(0);
  });

  it('counts facets exactly, each facet ignoring its own filter', async () => {
    const filter = {
      brands: ['Apple', 'Samsung'],
      categoryIds: [category.electronics],
      minPrice: '500',
      maxPrice: '1099.00',
    };
    const connection = await search({ query: '', first: 100, filter });
    const inPrice = (model: Model): boolean => model.priceMinor >= 50_000 && model.priceMinor <= 109_900;
    const inBrand = (model: Model): boolean => ['Apple', 'Samsung'].includes(model.brand);
    const inCategory = (model: Model): boolean => lineage(model.categoryId).includes(category.electronics);
    const matching = catalogue.filter((model) => inPrice(model) && inBrand(model) && inCategory(model));
    expect(connection.totalCount).toBe(matching.length);
    expect(new Set(ids(connection))).toEqual(new Set(matching.map((model) => model.id)));

    const brands = countBy(
      catalogue.filter((model) => inPrice(model) && inCategory(model)),
      (model) => [model.brand],
    );
    expect(facet(connection, 'brand')).toEqual(brands);
    const categories = countBy(
      catalogue.filter((model) => inPrice(model) && inBrand(model)),
      (model) => lineage(model.categoryId),
    );
    expect(facet(connection, 'category')).toEqual(categories);
    const labels = connection.facets.find((f) => f.field === 'category')?.values.map((v) => v.label);
    expect(labels).toContain('Electronics');
    const priced = catalogue.filter((model) => inBrand(model) && inCategory(model));
    const prices = facet(connection, 'price');
    expect([...prices.values()].reduce((a, b) => a + b, 0)).toBe(priced.length);
    expect(prices.get('1000.00..1999.99')).toBe(
      priced.filter((m) => m.priceMinor >= 100_000 && m.priceMinor < 200_000).length,
    );
    // Nothing is stocked yet: a product without an inventory row is out of stock.
    expect(facet(connection, 'inStock')).toEqual(new Map([['false', matching.length]]));
  });

  it('pages through every match once with search_after, in order, as many as totalCount', async () => {
    for (const sort of ['PRICE_ASC', 'RATING', 'RELEVANCE'] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      let total = -1;
      for (let page = 0; page < 20; page += 1) {
        const connection: Connection = await search({
          query: sort === 'RELEVANCE' ? 'generic item' : '',
          first: 7,
          after,
          sort,
        });
        total = connection.totalCount;
        seen.push(...ids(connection));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(new Set(seen).size, sort).toBe(seen.length);
      expect(seen.length, sort).toBe(total);
      if (sort === 'PRICE_ASC') {
        const prices = seen.map((id) => catalogue.find((model) => model.id === id)?.priceMinor ?? -1);
        expect(prices).toEqual([...prices].sort((a, b) => a - b));
        expect(total).toBe(catalogue.length);
      }
    }
  });

  it('rejects bad input as BAD_USER_INPUT', async () => {
    const cursor = (await search({ query: '', first: 1, sort: 'PRICE_ASC' })).pageInfo.endCursor;
    expect(await errorCodes({ query: 'x'.repeat(257) })).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes({ query: 'x', first: 0 })).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes({ query: 'x', first: 101 })).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes({ query: 'x', after: 'not-a-cursor' })).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes({ query: '', after: cursor, sort: 'NEWEST' })).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes({ query: '', filter: { minPrice: '-1' } })).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes({ query: '', filter: { minPrice: '20', maxPrice: '10' } })).toEqual(['BAD_USER_INPUT']);
  });

  it('suggests products for a prefix', async () => {
    const result = await graphql(SUGGEST, { prefix: 'iph', first: 5 });
    expect(result.errors).toBeUndefined();
    const suggestions = (result.data as { searchSuggestions: { text: string; product: { id: string } }[] })
      .searchSuggestions;
    expect(suggestions.map((s) => s.product.id)).toContain(iphone.id);
    expect(suggestions.find((s) => s.product.id === iphone.id)?.text).toBe(iphone.name);
  });

  it('shows a category rename, a seller rename and a price change on the products', async () => {
    await sql.query("UPDATE categories SET name = 'Smartphones' WHERE id = $1", [category.mobiles]);
    await sql.query("UPDATE sellers SET name = 'Fabrikam Outlet' WHERE id = $1", [galaxy.sellerId]);
    await sql.query('UPDATE products SET price_minor = 1999 WHERE id = $1', [macbook.id]);
    macbook.priceMinor = 1_999;
    const mobiles = catalogue.filter((model) => model.categoryId === category.mobiles);
    const renamed = await searchUntil(
      { query: 'smartphones', first: 100 },
      (connection) => connection.totalCount === mobiles.length,
      'the renamed category to be searchable',
    );
    expect(new Set(ids(renamed))).toEqual(new Set(mobiles.map((model) => model.id)));
    const labels = renamed.facets.find((f) => f.field === 'category')?.values.map((v) => v.label);
    expect(labels).toContain('Smartphones');
    const sold = catalogue.filter((model) => model.sellerId === galaxy.sellerId);
    await searchUntil(
      { query: 'fabrikam', first: 100 },
      (connection) => connection.totalCount === sold.length,
      'the renamed seller to be searchable',
    );
    const cheap = await searchUntil(
      { query: 'macbook', filter: { maxPrice: '19.99' } },
      (connection) => ids(connection).includes(macbook.id),
      'the new price',
    );
    expect(cheap.totalCount).toBe(1);
  });

  it('removes a deleted product', async () => {
    await sql.query('DELETE FROM products WHERE id = $1', [sneakers.id]);
    catalogue.splice(catalogue.indexOf(sneakers), 1);
    await searchUntil({ query: 'runner sneakers' }, (connection) => connection.totalCount === 0, 'the delete');
  });

  it('does not let a replayed older event overwrite newer data or bring back a deleted product', async () => {
    await indexerCaughtUp();
    const producer = kafka.producer();
    await producer.connect();
    const old = (model: Model, name: string) => ({
      key: JSON.stringify({ id: model.id }),
      value: JSON.stringify({
        op: 'u',
        before: null,
        after: {
          id: model.id,
          name,
          description: '',
          brand: model.brand,
          color: null,
          price_minor: 1,
          currency_code: 'USD',
          category_id: model.categoryId,
          seller_id: model.sellerId,
          rating_count: 0,
          rating_sum: 0,
          created_at: '2020-01-01T00:00:00Z',
        },
        // Older than anything the connector produced for these rows.
        source: { lsn: 1, table: 'products' },
      }),
    });
    await producer.send({
      topic: topicName(topicPrefix, 'products'),
      messages: [old(macbook, 'Stale laptop name'), old(sneakers, 'Stale sneakers')],
    });
    await producer.disconnect();
    await indexerCaughtUp();
    await client.indices.refresh({ index: names.alias });
    expect((await search({ query: 'stale' })).totalCount).toBe(0);
    expect(ids(await search({ query: 'macbook', filter: { maxPrice: '19.99' } }))).toEqual([macbook.id]);
  });

  it("shows stock from the cart service's inventory topic", async () => {
    const producer = kafka.producer();
    await producer.connect();
    // As the cart connector writes them (cdc-connectors/cart.json), with positions of this test's own.
    await producer.send({
      topic: stockTopic,
      messages: [
        {
          key: JSON.stringify({ product_id: galaxy.id }),
          value: JSON.stringify({
            op: 'r',
            before: null,
            after: { product_id: galaxy.id, on_hand: 4, reserved: 1, updated_at: null },
            source: { lsn: 100, table: 'inventory' },
          }),
        },
      ],
    });
    await producer.disconnect();
    const stocked = await searchUntil(
      { query: 'galaxy', filter: { inStock: true } },
      (connection) => ids(connection).includes(galaxy.id),
      'the stocked product among those in stock',
    );
    expect(stocked.totalCount).toBe(1);
  });

  it('resumes from its committed offsets after a restart', async () => {
    await indexerCaughtUp();
    await consumer?.stop();
    consumer = undefined;
    await sql.query("UPDATE products SET name = 'Samsung Galaxy S24 Ultra' WHERE id = $1", [galaxy.id]);
    await startConsumer();
    await searchUntil(
      { query: 'galaxy ultra' },
      (connection) => ids(connection)[0] === galaxy.id,
      'the change made while the indexer was stopped',
    );
  });

  it('rebuilds into a fresh index and swaps the alias while the indexer keeps writing', async () => {
    const before = [...(await versionedIndices(client, names))].filter(([, aliases]) => aliases.includes(names.alias));
    const result = await rebuildIndex({
      client,
      names,
      databaseUrl: serviceDatabaseUrl(database.serverUrl, database.service),
      logger,
      batchSize: 7,
    });
    expect(result.products).toBe(catalogue.length);
    expect(result.replaced).toEqual(before.map(([index]) => index));
    const after = await versionedIndices(client, names);
    expect([...after]).toEqual([[result.index, [names.alias]]]);
    expect((await search({ query: '', first: 100 })).totalCount).toBe(catalogue.length);
    // Stock comes from the stock side index, which the rebuild reads.
    expect(ids(await search({ query: '', first: 100, filter: { inStock: true } }))).toEqual([galaxy.id]);
    expect(ids(await search({ query: 'smartphones', first: 100 })).length).toBe(
      catalogue.filter((model) => model.categoryId === category.mobiles).length,
    );
    // The indexer writes into the new index.
    await sql.query("UPDATE products SET name = 'Google Pixel 9 Pro Fold' WHERE id = $1", [pixel.id]);
    await searchUntil(
      { query: 'pixel fold' },
      (connection) => ids(connection)[0] === pixel.id,
      'a change after the swap',
    );
  });

  it('fails fast with SERVICE_UNAVAILABLE when Elasticsearch is unreachable', async () => {
    const unreachable = createElasticsearch({ url: 'http://127.0.0.1:9', requestTimeoutMs: 1000, maxRetries: 0 });
    const service = new SearchService({ client: unreachable, alias: names.alias, logger });
    const started = Date.now();
    const result = await graphql(SEARCH, { query: 'iphone' }, service);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(result.errors?.map((error) => error.extensions['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    expect(result.errors?.[0]?.message).toMatch(/temporarily unavailable/);
    await unreachable.close();
  });
});
