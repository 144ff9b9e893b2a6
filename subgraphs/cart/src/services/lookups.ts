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

/** The distinct currencies of a cart's lines of products still for sale, but for product `?` (null: all). */
const OTHER_CURRENCIES = `select distinct trim(p.currency_code) as currency_code
       from cart_lines l join catalogue_products p on p.product_id = l.product_id
      where l.cart_id = ? and l.product_id is distinct from ?::uuid
        and not p.deleted and p.name is not null and p.currency_code is not null`;

/** The currency product `?` is priced in; no row when the replica has no price for it. */
const LINE_CURRENCY = `select trim(currency_code) from catalogue_products where product_id = ?::uuid and currency_code is not null`;

/**
 * The currency a product is priced in (null when the replica has no price for it) and the
 * currencies of the cart's other lines of products still for sale (`productId` null: all lines).
 */
export async function cartCurrencies(
  em: EntityManager,
  cartId: string,
  productId: string | null,
): Promise<{ line: string | null; others: string[] }> {
  const [row] = await em.execute<{ line: string | null; others: string[] }[]>(
    `select (${LINE_CURRENCY}) as line, array(${OTHER_CURRENCIES}) as others`,
    [productId, cartId, productId],
  );
  return { line: row?.line ?? null, others: row?.others ?? [] };
}

/** What addToCart checks under the cart's lock, read in one round trip. */
export interface AddChecks {
  /** The line's quantity now; null when the product is not in the cart yet. */
  existing: number | null;
  /** The cart's lines. */
  lines: number;
  /** Units that can be bought now (see {@link availableNow}). */
  available: number;
  currencies: { line: string | null; others: string[] };
}

/** {@link AddChecks} for adding `productId` to `cartId`. */
export async function addChecks(em: EntityManager, cartId: string, productId: string): Promise<AddChecks> {
  const [row] = await em.execute<
    { existing: number | null; lines: number; available: number | null; line: string | null; others: string[] }[]
  >(
    `select (select quantity from cart_lines where cart_id = ? and product_id = ?) as existing,
            (select count(*)::int from cart_lines where cart_id = ?) as lines,
            (select greatest(on_hand - reserved, 0) from inventory where product_id = ?) as available,
            (${LINE_CURRENCY}) as line,
            array(${OTHER_CURRENCIES}) as others`,
    [cartId, productId, cartId, productId, productId, cartId, productId],
  );
  return {
    existing: row?.existing ?? null,
    lines: row?.lines ?? 0,
    available: row?.available ?? 0,
    currencies: { line: row?.line ?? null, others: row?.others ?? [] },
  };
}
