import pg from 'pg';
import type { Client, estypes } from '@emporium/elasticsearch';
import type { Logger } from '@emporium/logging';
import { bulkWrite, externalVersion } from './bulk.ts';
import {
  buildProductDocument,
  categoryLineage,
  type CategoryRow,
  type ProductRow,
  type SellerRow,
} from './product-document.ts';
import {
  PRODUCT_INDEX_SETTINGS,
  createProductIndex,
  ensureSideIndices,
  versionedIndices,
  type IndexNames,
} from './products-index.ts';
import { isInStock, readStock, settleInStock, type WrittenProduct } from './stock.ts';

/** Options of {@link rebuildIndex}. */
export interface RebuildOptions {
  client: Client;
  names: IndexNames;
  /** The product database (the source of truth), e.g. postgres://…/emporium_product. */
  databaseUrl: string;
  logger: Logger;
  /** Products read and written per round trip. */
  batchSize?: number;
}

/** What a rebuild did. */
export interface RebuildResult {
  index: string;
  products: number;
  /** Indices the alias pointed to before, now deleted. */
  replaced: string[];
}

/**
 * Rebuilt documents carry version 1, below any change's WAL position: a change the indexer
 * writes into the new index while it is being filled (it writes to `<alias>-next` too)
 * always wins over the snapshot, and every change committed after the snapshot reaches the
 * new index through the indexer. Taking a WAL position as the snapshot's version instead
 * could lose a change of a transaction that began before the snapshot and committed after it.
 */
const SNAPSHOT_VERSION = 1;

interface ProductDbRow extends Omit<ProductRow, 'price_minor' | 'created_at'> {
  price_minor: string;
  created_at: Date;
}

const PRODUCT_COLUMNS =
  'id::text, name, description, brand, color, price_minor, currency_code, category_id::text, seller_id::text, ' +
  'rating_count, rating_sum, created_at';

/**
 * Builds a fresh versioned index from the product database and swaps the alias to it in
 * one atomic alias update, so searches never see a missing or half-filled index; then
 * deletes the indices it replaced. A leftover index of an interrupted rebuild is removed first.
 * Stock is not in the product database: each page reads the stock side index the indexer
 * keeps from the cart service's changes (and checks it again after writing, as the indexer
 * does, so a stock change propagated meanwhile is not lost).
 */
export async function rebuildIndex(options: RebuildOptions): Promise<RebuildResult> {
  const { client, names, logger } = options;
  const batchSize = options.batchSize ?? 2000;

  const before = await versionedIndices(client, names);
  for (const [index, aliases] of before) {
    if (aliases.includes(names.next) && !aliases.includes(names.alias)) {
      logger.warn({ index }, 'deleting the index of an interrupted rebuild');
      await client.indices.delete({ index });
    }
  }
  await ensureSideIndices(client, names);
  const index = names.versioned();
  // No refreshes while loading; the settings of a live index are restored before the swap.
  await createProductIndex(client, index, [names.next], { refresh_interval: '-1' });
  logger.info({ index }, 'rebuilding');

  const database = new pg.Client({ connectionString: options.databaseUrl });
  await database.connect();
  let products = 0;
  let stale = 0;
  try {
    // One snapshot for the whole read: categories, sellers and products agree with each other.
    await database.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const categories = (await database.query<CategoryRow>('SELECT id::text, name, parent_id::text FROM categories'))
      .rows;
    const sellers = (await database.query<SellerRow>('SELECT id::text, name FROM sellers')).rows;
    await writeSideDocuments(client, names.categories, categories);
    await writeSideDocuments(client, names.sellers, sellers);
    const categoryById = new Map(categories.map((category) => [category.id, category]));
    const sellerById = new Map(sellers.map((seller) => [seller.id, seller.name]));

    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await database.query<ProductDbRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, batchSize],
      );
      const last = rows.at(-1);
      if (!last) break;
      const stock = await readStock(
        client,
        names.stock,
        rows.map((row) => row.id),
      );
      const written: WrittenProduct[] = rows.map((raw) => {
        const row: ProductRow = {
          ...raw,
          price_minor: Number(raw.price_minor),
          created_at: raw.created_at.toISOString(),
        };
        const document = buildProductDocument(
          row,
          categoryLineage(row.category_id, categoryById),
          sellerById.get(row.seller_id) ?? null,
          isInStock(stock.get(row.id)?.row),
        );
        return { index, version: SNAPSHOT_VERSION, document };
      });
      const operations: NonNullable<estypes.BulkRequest['operations']> = written.flatMap((product) => [
        { index: { _index: index, _id: product.document.id, ...externalVersion(SNAPSHOT_VERSION) } },
        product.document,
      ]);
      const outcome = await bulkWrite(client, operations);
      await settleInStock(client, names.stock, written, { requireAlias: false, logger });
      products += outcome.written;
      stale += outcome.stale;
      after = last.id;
    }
    await database.query('COMMIT');
  } catch (error) {
    await client.indices.delete({ index }, { ignore: [404] });
    throw error;
  } finally {
    await database.end();
  }

  await client.indices.putSettings({ index, settings: { refresh_interval: PRODUCT_INDEX_SETTINGS.refresh_interval } });
  await client.indices.refresh({ index });
  const replaced = [...(await versionedIndices(client, names))]
    .filter(([, aliases]) => aliases.includes(names.alias))
    .map(([name]) => name);
  await client.indices.updateAliases({
    actions: [
      ...replaced.map((name) => ({ remove: { index: name, alias: names.alias } })),
      { add: { index, alias: names.alias } },
      { remove: { index, alias: names.next } },
    ],
  });
  for (const name of replaced) await client.indices.delete({ index: name });
  logger.info({ index, products, newerFromChanges: stale, replaced }, 'rebuilt and swapped');
  return { index, products, replaced };
}

/** Side documents at the snapshot's version: any change the indexer already wrote is newer and stays. */
async function writeSideDocuments(
  client: Client,
  index: string,
  rows: readonly (CategoryRow | SellerRow)[],
): Promise<void> {
  await bulkWrite(
    client,
    rows.flatMap((row) => [{ index: { _index: index, _id: row.id, ...externalVersion(SNAPSHOT_VERSION) } }, row]),
  );
}
