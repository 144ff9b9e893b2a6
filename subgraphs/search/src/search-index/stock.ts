/**
 * Stock in search: the cart service's inventory rows, kept in the `<alias>-stock` side index
 * (one document per product, its `_id` the product id, versioned by WAL position like the
 * other side indices), decide each product document's `inStock`.
 */
import type { Client, estypes } from '@emporium/elasticsearch';
import type { Logger } from '@emporium/logging';
import { bulkWrite, externalVersion } from './bulk.ts';
import type { ProductDocument } from './product-document.ts';
import { readSideDocuments, type SideDocument } from './side-documents.ts';

/** A row of the cart service's `inventory` table, as Debezium names its columns (updated_at is not kept). */
export interface StockRow {
  product_id: string;
  on_hand: number;
  reserved: number;
}

/**
 * The cart service's own rule (its `Inventory.inStock`): at least one unit on hand and not
 * reserved. A product that has no inventory row is out of stock.
 */
export const isInStock = (stock: StockRow | undefined): boolean =>
  stock !== undefined && stock.on_hand - stock.reserved > 0;

/**
 * What a deleted inventory row leaves in the side index: no units. The document is kept
 * rather than deleted, so its version stays and an older change replayed later cannot bring
 * units back (a delete's version is forgotten after a while).
 */
export const noStock = (productId: string): StockRow => ({ product_id: productId, on_hand: 0, reserved: 0 });

/** The stock side documents of these products, read in real time; products never stocked are absent. */
export function readStock(
  client: Client,
  stockIndex: string,
  productIds: readonly string[],
): Promise<Map<string, SideDocument<StockRow>>> {
  return readSideDocuments<StockRow>(client, stockIndex, [...new Set(productIds)]);
}

/** A product document as it was just written, and the version it was written with. */
export interface WrittenProduct {
  /** The alias or index it was written to. */
  index: string;
  version: number;
  document: ProductDocument;
}

/** Rewrites of one batch's products before giving up on a stock level that keeps changing under them. */
const SETTLE_ROUNDS = 5;

/**
 * Makes product documents just written agree with the stock side index. A stock change can
 * land between reading the side index and writing the product (another indexer replica
 * consumes the stock topic, or a rebuild is filling an index): its propagation may have
 * searched before this document existed. So the side index is read again after the write,
 * and a product whose flag changed meanwhile is rewritten at the version it was written with
 * (a newer product change wins, and it checks the same way), then checked again. A stock
 * change after that read finds this document when it propagates. Costs one real-time mget
 * when nothing changed; returns how many documents were rewritten.
 */
export async function settleInStock(
  client: Client,
  stockIndex: string,
  written: readonly WrittenProduct[],
  options: { requireAlias: boolean; logger: Logger },
): Promise<number> {
  let pending = written;
  let rewritten = 0;
  for (let round = 0; pending.length > 0; round += 1) {
    const stock = await readStock(
      client,
      stockIndex,
      pending.map((product) => product.document.id),
    );
    const changed = pending.filter(
      (product) => product.document.inStock !== isInStock(stock.get(product.document.id)?.row),
    );
    if (changed.length === 0) break;
    if (round === SETTLE_ROUNDS) {
      // Only a stock level flipping faster than a bulk round trip gets here; its next flip propagates.
      options.logger.warn({ products: changed.map((product) => product.document.id) }, 'stock kept changing');
      break;
    }
    pending = changed.map((product) => ({
      ...product,
      document: { ...product.document, inStock: !product.document.inStock },
    }));
    const operations: NonNullable<estypes.BulkRequest['operations']> = pending.flatMap((product) => [
      { index: { _index: product.index, _id: product.document.id, ...externalVersion(product.version) } },
      product.document,
    ]);
    rewritten += (await bulkWrite(client, operations, { requireAlias: options.requireAlias })).written;
  }
  return rewritten;
}
