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

/** Units of a product that can be bought now (0 when it was never stocked). */
export async function availableNow(em: EntityManager, productId: string): Promise<number> {
  const rows = await em.execute<{ available: number }[]>(
    'select greatest(on_hand - reserved, 0) as available from inventory where product_id = ?',
    [productId],
  );
  return rows[0]?.available ?? 0;
}
