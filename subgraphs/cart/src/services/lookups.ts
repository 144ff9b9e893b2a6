import type { EntityManager } from '@emporium/db';
import { isUuid } from './cart-rules.ts';

/** True when the catalogue replica has the product and it is still for sale. */
export async function isForSale(em: EntityManager, productId: string): Promise<boolean> {
  if (!isUuid(productId)) return false;
  const rows = await em.execute<{ deleted: boolean }[]>(
    'select deleted from catalogue_products where product_id = ? and name is not null',
    [productId.toLowerCase()],
  );
  return rows[0]?.deleted === false;
}

/** True when the catalogue replica has heard of the product at all, for sale or deleted. */
export async function inReplica(em: EntityManager, productId: string): Promise<boolean> {
  const rows = await em.execute<unknown[]>('select 1 from catalogue_products where product_id = ?', [productId]);
  return rows.length > 0;
}

/** Units of a product that can be bought now (0 when it was never stocked). */
export async function availableNow(em: EntityManager, productId: string): Promise<number> {
  const rows = await em.execute<{ available: number }[]>(
    'select greatest(on_hand - reserved, 0) as available from inventory where product_id = ?',
    [productId],
  );
  return rows[0]?.available ?? 0;
}

/**
 * The currency a product is priced in (null when the replica has no price for it) and the
 * currencies of the cart's other lines of products still for sale (`productId` null: all lines).
 */
export async function cartCurrencies(
  em: EntityManager,
  cartId: string,
  productId: string | null,
): Promise<{ line: string | null; others: string[] }> {
  const rows = await em.execute<{ currency_code: string; is_line: boolean }[]>(
    `select distinct trim(p.currency_code) as currency_code, false as is_line
       from cart_lines l join catalogue_products p on p.product_id = l.product_id
      where l.cart_id = ? and l.product_id is distinct from ?::uuid
        and not p.deleted and p.name is not null and p.currency_code is not null
     union all
     select trim(currency_code), true from catalogue_products where product_id = ?::uuid and currency_code is not null`,
    [cartId, productId, productId],
  );
  return {
    line: rows.find((row) => row.is_line)?.currency_code ?? null,
    others: rows.filter((row) => !row.is_line).map((row) => row.currency_code),
  };
}
