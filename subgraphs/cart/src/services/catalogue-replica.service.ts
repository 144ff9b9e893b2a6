import type { UnitOfWork } from '../request.ts';
import type { ProductChanged } from '../events/product-changed.event.ts';

/** The NOTIFY channel every committed change of the replica fires (migration 20261220000000). */
export const CATALOGUE_REPLICA_CHANNEL = 'catalogue_replica';

/** Keeps each product's change with the highest WAL position; one statement cannot upsert a row twice. */
export function latestPerProduct(changes: readonly ProductChanged[]): ProductChanged[] {
  const latest = new Map<string, ProductChanged>();
  for (const change of changes) {
    const current = latest.get(change.productId);
    if (!current || change.lsn >= current.lsn) latest.set(change.productId, change);
  }
  return [...latest.values()];
}

/**
 * The cart's replica of the catalogue (names, prices, whether a product is still for sale),
 * applied from the product table's change stream. A change lands only when it is newer than
 * the row's (higher LSN), so replays and redeliveries never move a product back in time; a
 * delete keeps the row, flagged, with its LSN, so an older update cannot bring it back.
 */
export class CatalogueReplicaService {
  /** Applies a batch of changes in one multi-row upsert; returns how many rows changed. */
  async apply(ctx: UnitOfWork, changes: readonly ProductChanged[]): Promise<number> {
    const rows = latestPerProduct(changes).map((change) => ({
      product_id: change.productId,
      name: change.product?.name ?? null,
      price_minor: change.product?.priceMinor ?? null,
      currency_code: change.product?.currencyCode ?? null,
      deleted: change.product === null,
      lsn: change.lsn,
    }));
    if (rows.length === 0) return 0;
    // The whole batch travels as one JSON parameter: a single short statement for thousands of rows.
    const changed = await ctx.em.execute<{ product_id: string }[]>(
      `insert into catalogue_products (product_id, name, price_minor, currency_code, deleted, lsn)
       select product_id, name, price_minor, currency_code, deleted, lsn
         from jsonb_to_recordset(?::jsonb)
           as change(product_id uuid, name text, price_minor bigint, currency_code text, deleted boolean, lsn bigint)
       on conflict (product_id) do update set
         name = coalesce(excluded.name, catalogue_products.name),
         price_minor = coalesce(excluded.price_minor, catalogue_products.price_minor),
         currency_code = coalesce(excluded.currency_code, catalogue_products.currency_code),
         deleted = excluded.deleted,
         lsn = excluded.lsn
       where catalogue_products.lsn < excluded.lsn
       returning product_id`,
      [JSON.stringify(rows)],
    );
    return changed.length;
  }
}
