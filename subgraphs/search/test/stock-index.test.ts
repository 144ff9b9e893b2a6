import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch, type Client } from '@emporium/elasticsearch';
import { createLogger } from '@emporium/logging';
import { stackEndpoints, uniqueName } from '@emporium/testing';
import { CatalogueIndexer } from '../src/services/catalogue-indexer.ts';
import type { ChangeEvent } from '../src/events/catalogue-change.event.ts';
import { bulkWrite, externalVersion } from '../src/search-index/bulk.ts';
import type { ProductDocument, ProductRow } from '../src/search-index/product-document.ts';
import { ensureIndex, indexNames, versionedIndices } from '../src/search-index/products-index.ts';
import { settleInStock, type StockRow } from '../src/search-index/stock.ts';

/**
 * The stock side index and its propagation to product documents, on the real Elasticsearch:
 * the indexer is given crafted change events (no Debezium, no Kafka), with WAL positions
 * chosen by the test, so the order of arrival is the test's to decide.
 */
const logger = createLogger('test', { level: 'silent' });
const names = indexNames(uniqueName('stock_test'));
let client: Client;
let indexer: CatalogueIndexer;

const categoryId = randomUUID();
const sellerId = randomUUID();

const productRow = (id: string, name: string): ProductRow => ({
  id,
  name,
  description: 'Stocked by the cart service.',
  brand: 'Emporium',
  color: null,
  price_minor: 1_000,
  currency_code: 'USD',
  category_id: categoryId,
  seller_id: sellerId,
  rating_count: 0,
  rating_sum: 0,
  created_at: '2026-11-26T10:00:00Z',
});

const productChange = (id: string, name: string, lsn: number): ChangeEvent<ProductRow> => ({
  id,
  row: productRow(id, name),
  lsn,
});

const stockChange = (id: string, lsn: number, onHand: number | null, reserved = 0): ChangeEvent<StockRow> => ({
  id,
  row: onHand === null ? null : { product_id: id, on_hand: onHand, reserved },
  lsn,
});

const applyStock = (...events: ChangeEvent<StockRow>[]) => indexer.apply({ table: 'inventory', events });
const applyProducts = (...events: ChangeEvent<ProductRow>[]) => indexer.apply({ table: 'products', events });

/** The product document as stored now, with its version and sequence number (which every write moves). */
async function productDocument(id: string): Promise<{ source: ProductDocument; version: number; seqNo: number }> {
  const response = await client.get<ProductDocument>({ index: names.alias, id, realtime: true });
  if (!response._source) throw new Error(`no document for ${id}`);
  return { source: response._source, version: response._version ?? -1, seqNo: response._seq_no ?? -1 };
}

async function stockDocument(id: string): Promise<{ source: StockRow; version: number }> {
  const response = await client.get<StockRow>({ index: names.stock, id, realtime: true });
  if (!response._source) throw new Error(`no stock document for ${id}`);
  return { source: response._source, version: response._version ?? -1 };
}

/** What a search filtered on stock sees: the propagation is found through search, so it must be searchable too. */
async function inStockIds(): Promise<string[]> {
  await client.indices.refresh({ index: names.alias });
  const response = await client.search<ProductDocument>({
    index: names.alias,
    size: 100,
    query: { term: { inStock: true } },
  });
  return response.hits.hits.map((hit) => hit._id ?? '');
}

beforeAll(async () => {
  client = createElasticsearch({ url: stackEndpoints().elasticsearch.url });
  await ensureIndex(client, names);
  indexer = new CatalogueIndexer({ client, names, logger });
  await indexer.apply({
    table: 'categories',
    events: [{ id: categoryId, row: { id: categoryId, name: 'Gadgets', parent_id: null }, lsn: 1 }],
  });
  await indexer.apply({
    table: 'sellers',
    events: [{ id: sellerId, row: { id: sellerId, name: 'Emporium' }, lsn: 1 }],
  });
});

afterAll(async () => {
  const indices = [...(await versionedIndices(client, names)).keys(), names.categories, names.sellers, names.stock];
  await client.indices.delete({ index: indices }, { ignore: [404] });
  await client.close();
});

describe('stock in the product index', () => {
  const gadget = randomUUID();

  it('indexes a product never stocked as out of stock', async () => {
    await applyProducts(productChange(gadget, 'Stock gadget', 100));
    expect((await productDocument(gadget)).source.inStock).toBe(false);
  });

  it('puts the product in stock when its first stock level arrives', async () => {
    const outcome = await applyStock(stockChange(gadget, 200, 3));
    expect(outcome).toEqual({ written: 1, stale: 0, propagated: 1 });
    const document = await productDocument(gadget);
    expect(document.source.inStock).toBe(true);
    // Rewritten at the version the product change gave it: a later product change still wins.
    expect(document.version).toBe(100);
    expect(await inStockIds()).toContain(gadget);
  });

  it('changes nothing for an older stock change replayed later', async () => {
    const before = await productDocument(gadget);
    const outcome = await applyStock(stockChange(gadget, 150, 0));
    expect(outcome).toEqual({ written: 0, stale: 1, propagated: 0 });
    expect(await stockDocument(gadget)).toEqual({
      source: { product_id: gadget, on_hand: 3, reserved: 0 },
      version: 200,
    });
    expect(await productDocument(gadget)).toEqual(before);
  });

  it('does not rewrite the product for a reservation that leaves it in stock', async () => {
    const before = await productDocument(gadget);
    const outcome = await applyStock(stockChange(gadget, 300, 3, 1), stockChange(gadget, 310, 3, 2));
    expect(outcome).toEqual({ written: 1, stale: 0, propagated: 0 });
    expect((await stockDocument(gadget)).source.reserved).toBe(2);
    const after = await productDocument(gadget);
    expect(after.seqNo).toBe(before.seqNo);
    expect(after.version).toBe(before.version);
  });

  it('takes the product out of stock when the last unit is reserved', async () => {
    const outcome = await applyStock(stockChange(gadget, 400, 3, 3));
    expect(outcome.propagated).toBe(1);
    expect((await productDocument(gadget)).source.inStock).toBe(false);
    expect(await inStockIds()).not.toContain(gadget);
  });

  it('keeps the current stock when the product changes after it', async () => {
    await applyProducts(productChange(gadget, 'Stock gadget, renamed', 500));
    expect((await productDocument(gadget)).source).toMatchObject({ name: 'Stock gadget, renamed', inStock: false });
    await applyStock(stockChange(gadget, 600, 5, 3));
    await applyProducts(productChange(gadget, 'Stock gadget, renamed again', 700));
    const document = await productDocument(gadget);
    expect(document.source).toMatchObject({ name: 'Stock gadget, renamed again', inStock: true });
    expect(document.version).toBe(700);
  });

  it('does not let a stock rewrite undo a product change that landed after the stock was read', async () => {
    // The product document moved on (version 800) after the stock propagation read it at 700:
    // the rewrite at 700 loses, and the newer document stays.
    await applyProducts(productChange(gadget, 'Stock gadget, newest', 800));
    const rewrite = await bulkWrite(
      client,
      [
        { index: { _index: names.alias, _id: gadget, ...externalVersion(700) } },
        { ...(await productDocument(gadget)).source, name: 'Stock gadget, stale rewrite' },
      ],
      { requireAlias: true },
    );
    expect(rewrite).toEqual({ written: 0, stale: 1 });
    expect((await productDocument(gadget)).source.name).toBe('Stock gadget, newest');
  });

  it('takes a product out of stock when its inventory row is deleted, for good', async () => {
    const outcome = await applyStock(stockChange(gadget, 900, null));
    expect(outcome.propagated).toBe(1);
    expect((await productDocument(gadget)).source.inStock).toBe(false);
    // The side document stays with no units, so an older change replayed later is still older.
    expect(await stockDocument(gadget)).toEqual({
      source: { product_id: gadget, on_hand: 0, reserved: 0 },
      version: 900,
    });
    expect((await applyStock(stockChange(gadget, 850, 7))).stale).toBe(1);
    expect((await productDocument(gadget)).source.inStock).toBe(false);
  });

  it('indexes a product stocked before its own change arrives as in stock', async () => {
    const early = randomUUID();
    // No product document yet: nothing to propagate to, but the side index remembers.
    expect(await applyStock(stockChange(early, 1_000, 2))).toEqual({ written: 1, stale: 0, propagated: 0 });
    await applyProducts(productChange(early, 'Early gadget', 1_100));
    expect((await productDocument(early)).source.inStock).toBe(true);
  });

  it('propagates again when a replayed batch finds its change already in the side index', async () => {
    const replayed = randomUUID();
    await applyProducts(productChange(replayed, 'Replayed gadget', 1_200));
    // As if an earlier attempt wrote the side document and stopped before reaching the product.
    await bulkWrite(client, [
      { index: { _index: names.stock, _id: replayed, ...externalVersion(1_300) } },
      { product_id: replayed, on_hand: 1, reserved: 0 },
    ]);
    expect((await productDocument(replayed)).source.inStock).toBe(false);
    const outcome = await applyStock(stockChange(replayed, 1_250, 0), stockChange(replayed, 1_300, 1));
    expect(outcome.propagated).toBe(1);
    expect((await productDocument(replayed)).source.inStock).toBe(true);
  });
});

describe('settleInStock', () => {
  it('rewrites a product written with a stock level that changed before the write landed', async () => {
    const raced = randomUUID();
    await applyProducts(productChange(raced, 'Raced gadget', 2_000));
    const written = await productDocument(raced);
    expect(written.source.inStock).toBe(false);
    // The stock arrives between the product's stock read and its write, and its propagation
    // searched before the document existed: only the check after the write can see it.
    await bulkWrite(client, [
      { index: { _index: names.stock, _id: raced, ...externalVersion(2_100) } },
      { product_id: raced, on_hand: 4, reserved: 0 },
    ]);
    const rewritten = await settleInStock(
      client,
      names.stock,
      [{ index: names.alias, version: 2_000, document: written.source }],
      { requireAlias: true, logger },
    );
    expect(rewritten).toBe(1);
    const settled = await productDocument(raced);
    expect(settled.source.inStock).toBe(true);
    expect(settled.version).toBe(2_000);
    // Agreeing already: one read, no write.
    expect(
      await settleInStock(client, names.stock, [{ index: names.alias, version: 2_000, document: settled.source }], {
        requireAlias: true,
        logger,
      }),
    ).toBe(0);
    expect((await productDocument(raced)).seqNo).toBe(settled.seqNo);
  });
});
