import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse, type ExecutionResult } from 'graphql';
import { createElasticsearch, isNotFound, type Client } from '@emporium/elasticsearch';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { contextFactory } from '../src/context.ts';
import { buildProductDocument, type ProductDocument } from '../src/search-index/product-document.ts';
import { ensureIndex, indexNames, versionedIndices } from '../src/search-index/products-index.ts';
import { buildSchema } from '../src/schema.ts';
import { decodeSearchCursor, encodeSearchCursor, INVALID_CURSOR } from '../src/services/search-cursor.ts';
import { SearchService } from '../src/services/search.service.ts';

/**
 * Paging through search results while the catalogue changes, on the real Elasticsearch:
 * documents are written straight to a unique index (no Kafka), so the test decides what
 * changes between two pages. Between pages it moves products not seen yet ahead of the
 * cursor and products already seen behind it, and adds products that shift every relevance
 * score; and while each page is read, more products are being indexed. A shopper paging on
 * must still see every product that matched when they started, exactly once.
 */
const logger = createLogger('test', { level: 'silent' });
const names = indexNames(uniqueName('paging_test'));
const schema = buildSchema();
const categoryId = randomUUID();
const sellerId = randomUUID();
const QUERY = 'lantern';

let client: Client;
let service: SearchService;

// ------------------------------------------------------------------ the catalogue

/** Every product written, by id; each name contains the query's word, so each one matches. */
const written = new Map<string, ProductDocument>();
let serial = 0;

interface Shape {
  name: string;
  priceMinor: number;
  rating: number;
  createdAt: string;
}

function documentOf(id: string, shape: Shape): ProductDocument {
  return buildProductDocument(
    {
      id,
      name: shape.name,
      description: 'A light for camping and power cuts.',
      brand: 'Emporium',
      color: null,
      price_minor: shape.priceMinor,
      currency_code: 'USD',
      category_id: categoryId,
      seller_id: sellerId,
      rating_count: shape.rating > 0 ? 10 : 0,
      rating_sum: shape.rating * 10,
      created_at: shape.createdAt,
    },
    { path: [{ id: categoryId, name: 'Outdoor' }], ids: [categoryId] },
    'Northwind',
    true,
  );
}

/** An ordinary product: names, prices, ratings and dates spread out, so every sort has an order. */
function ordinary(): Shape {
  serial += 1;
  const filler = ['camping', 'storm', 'garden', 'rechargeable', 'folding', 'pocket'];
  return {
    name: `Lantern ${filler.slice(0, 1 + (serial % filler.length)).join(' ')} ${serial}`,
    priceMinor: 1_000 + ((serial * 7919) % 90_000),
    rating: 1 + (serial % 4) + (serial % 10) / 10,
    createdAt: new Date(Date.UTC(2026, 0, 1) + ((serial * 104_729) % 300) * 86_400_000).toISOString(),
  };
}

/** Sorts first by every order: the word over and over in a short name, cheapest, best rated, newest. */
const FIRST: Shape = { name: 'Lantern lantern lantern', priceMinor: 1, rating: 5, createdAt: '2030-01-01T00:00:00Z' };
/** Sorts last by every order (its name still contains the word, so it still matches). */
const LAST: Shape = {
  name: 'Lantern with a very long name about storage boxes shelves hooks and many other things',
  priceMinor: 100_000_000,
  rating: 0,
  createdAt: '2000-01-01T00:00:00Z',
};

/** Writes documents and waits until searches see them (acknowledged and refreshed). */
async function write(documents: readonly ProductDocument[], refresh: boolean): Promise<void> {
  if (documents.length === 0) return;
  const response = await client.bulk({
    index: names.alias,
    refresh: refresh ? 'true' : 'false',
    operations: documents.flatMap((document) => [{ index: { _id: document.id } }, document]),
  });
  if (response.errors) throw new Error('a bulk write failed');
  for (const document of documents) written.set(document.id, document);
}

const fresh = (count: number, shape: () => Shape = ordinary): ProductDocument[] =>
  Array.from({ length: count }, () => documentOf(randomUUID(), shape()));

// ------------------------------------------------------------------ searching

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } | null }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const SEARCH = parse(`
  query Search($query: String!, $first: Int, $after: String, $sort: ProductSort) {
    searchProducts(query: $query, first: $first, after: $after, sort: $sort) {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const graphql = (variables: Record<string, unknown>): Promise<ExecutionResult> =>
  Promise.resolve(
    execute({
      schema,
      document: SEARCH,
      variableValues: variables,
      contextValue: contextFactory({ search: service })({ caller: null, requestId: 'test' }),
    }),
  );

async function search(variables: Record<string, unknown>): Promise<Connection> {
  const result = await graphql(variables);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('; '));
  return (result.data as { searchProducts: Connection }).searchProducts;
}

/** The error codes and messages of a search that must fail. */
async function failures(variables: Record<string, unknown>): Promise<{ code: unknown; message: string }[]> {
  const result = await graphql(variables);
  return (result.errors ?? []).map((error) => ({ code: error.extensions['code'], message: error.message }));
}

const ids = (connection: Connection): string[] => connection.edges.map((edge) => edge.node?.id ?? '');

// ------------------------------------------------------------------ set-up and clean-up

beforeAll(async () => {
  client = createElasticsearch({ url: stackEndpoints().elasticsearch.url });
  await ensureIndex(client, names);
  service = new SearchService({ client, alias: names.alias, logger });
  await write(fresh(100), true);
});

afterAll(async () => {
  const indices = [
    ...(await versionedIndices(client, names)).keys(),
    names.categories,
    names.sellers,
    names.stock,
    `${names.alias}-elsewhere`,
  ];
  await client.indices.delete({ index: indices }, { ignore: [404] });
  await client.close();
});

// ------------------------------------------------------------------ paging under change

describe('paging while the catalogue changes', () => {
  it.each(['RELEVANCE', 'PRICE_ASC', 'RATING', 'NEWEST'] as const)(
    'shows every product that matched at the start exactly once (%s)',
    async (sort) => {
      await client.indices.refresh({ index: names.alias });
      const atStart = new Set(written.keys());
      const seen: string[] = [];
      const totals: number[] = [];
      let after: string | null = null;
      // Enough pages for every product at the start and those written before the first page
      // was taken; a result set that never ends (products repeating) stops here.
      for (let page = 0; page < atStart.size / 20 + 5; page += 1) {
        // Products containing the word are indexed while the page is read: each refresh moves
        // the term statistics, so relevance scores shift under the shopper.
        const [connection]: [Connection, unknown] = await Promise.all([
          search({ query: QUERY, first: 20, after, sort }),
          write(fresh(3), false),
        ]);
        totals.push(connection.totalCount);
        seen.push(...ids(connection));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;

        // Before the next page: products not seen yet jump ahead of the cursor, products
        // already seen fall behind it, and new ones shift every score. All acknowledged and
        // searchable before the next page is asked for.
        const pending = [...atStart].filter((id) => !seen.includes(id));
        await write(
          [
            ...pending.slice(0, 3).map((id) => documentOf(id, FIRST)),
            ...seen.slice(0, 3).map((id) => documentOf(id, LAST)),
            ...fresh(5, () => FIRST),
          ],
          true,
        );
      }
      const counts = new Map<string, number>();
      for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
      const repeated = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
      const missed = [...atStart].filter((id) => !counts.has(id));
      expect({ repeated, missed }).toEqual({ repeated: [], missed: [] });
      // The total describes the result set being paged, not a catalogue that moved on: products
      // written after the start may belong to it (until it was taken), and are then seen once too.
      expect(new Set(totals)).toEqual(new Set([seen.length]));
    },
  );
});

// ------------------------------------------------------------------ cursors

describe('search cursors', () => {
  const PRICE_SHAPE = ['number', 'string'] as const;
  const pitOf = (cursor: string | null): string => decodeSearchCursor(cursor ?? '', 'PRICE_ASC', PRICE_SHAPE).pit ?? '';
  const pricesOf = (connection: Connection): number[] =>
    ids(connection).map((id) => written.get(id)?.priceMinor ?? Number.NaN);

  it('page on from a fresh point in time, at the same position, when theirs is gone', async () => {
    await client.indices.refresh({ index: names.alias });
    const first = await search({ query: QUERY, first: 5, sort: 'PRICE_ASC' });
    expect(first.pageInfo.hasNextPage).toBe(true);
    // What a point in time that expired, or whose index a rebuild replaced, looks like.
    await client.closePointInTime({ id: pitOf(first.pageInfo.endCursor) });

    const next = await search({ query: QUERY, first: 5, after: first.pageInfo.endCursor, sort: 'PRICE_ASC' });
    expect(next.edges).toHaveLength(5);
    expect(ids(next).filter((id) => ids(first).includes(id))).toEqual([]);
    const prices = [...pricesOf(first), ...pricesOf(next)];
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(pitOf(next.pageInfo.endCursor)).not.toBe(pitOf(first.pageInfo.endCursor));
  });

  it('from before points in time still page on', async () => {
    const first = await search({ query: QUERY, first: 5, sort: 'PRICE_ASC' });
    const last = first.edges.at(-1)?.node?.id ?? '';
    const legacy = encodeSearchCursor({
      sort: 'PRICE_ASC',
      pit: null,
      values: [written.get(last)?.priceMinor ?? 0, last],
    });
    const next = await search({ query: QUERY, first: 5, after: legacy, sort: 'PRICE_ASC' });
    expect(ids(next).filter((id) => ids(first).includes(id))).toEqual([]);
    expect(next.edges).toHaveLength(5);
  });

  it('made up or for another sort order are BAD_USER_INPUT, and read nothing outside the product index', async () => {
    // A real point in time on another index, holding a document that would match.
    const elsewhere = `${names.alias}-elsewhere`;
    await client.indices.create({
      index: elsewhere,
      mappings: { properties: { id: { type: 'keyword' }, name: { type: 'text' }, priceMinor: { type: 'long' } } },
    });
    await client.index({
      index: elsewhere,
      id: 'not-a-product',
      document: { id: 'not-a-product', name: 'Lantern', priceMinor: 1 },
      refresh: true,
    });
    const foreign = await client.openPointInTime({ index: elsewhere, keep_alive: '1m' });
    const forged = (pit: string): string => encodeSearchCursor({ sort: 'PRICE_ASC', pit, values: [0, ''] });
    const invalid = [{ code: 'BAD_USER_INPUT', message: INVALID_CURSOR }];
    try {
      expect(await failures({ query: QUERY, after: 'not-a-cursor', sort: 'PRICE_ASC' })).toEqual(invalid);
      expect(await failures({ query: QUERY, after: forged('garbage'), sort: 'PRICE_ASC' })).toEqual(invalid);
      // Elasticsearch reads "AAAA" as a point in time over no shards at all.
      expect(await failures({ query: QUERY, after: forged('AAAA'), sort: 'PRICE_ASC' })).toEqual(invalid);
      expect(await failures({ query: QUERY, after: forged(foreign.id), sort: 'PRICE_ASC' })).toEqual(invalid);
    } finally {
      await client.closePointInTime({ id: foreign.id });
    }
    const cursor = (await search({ query: QUERY, first: 1, sort: 'PRICE_ASC' })).pageInfo.endCursor;
    expect(await failures({ query: QUERY, after: cursor, sort: 'NEWEST' })).toEqual([
      { code: 'BAD_USER_INPUT', message: 'The cursor belongs to another sort order' },
    ]);
  });

  it('let the cluster drop the point in time once the last page is read', async () => {
    await write(
      Array.from({ length: 3 }, () => documentOf(randomUUID(), { ...ordinary(), name: 'Lantern zeppelin' })),
      true,
    );
    const only = await search({ query: 'zeppelin', first: 5, sort: 'PRICE_ASC' });
    expect(only.edges).toHaveLength(3);
    expect(only.pageInfo.hasNextPage).toBe(false);
    const pit = pitOf(only.pageInfo.endCursor);
    // Closed in the background: wait for Elasticsearch to stop knowing it.
    await eventually(
      () =>
        client.search({ pit: { id: pit }, size: 0 }).then(
          () => undefined,
          (error: unknown) => (isNotFound(error) ? true : undefined),
        ),
      { what: 'the point in time to be closed' },
    );
  });
});
