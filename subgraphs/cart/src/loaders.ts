import DataLoader from 'dataloader';
import type { EntityManager } from '@emporium/db';
import type { Inventory } from './entities/inventory.entity.ts';
import { isUuid } from './services/cart-rules.ts';

interface StockRow {
  product_id: string;
  on_hand: number;
  reserved: number;
  updated_at: Date | null;
}

/** A product that was never stocked has nothing on hand. */
const unstocked = (productId: string): Inventory => ({ productId, onHand: 0, reserved: 0, updatedAt: null });

/**
 * Per-request batching: a page of products (search results, a cart) reads its stock in one
 * query, however many products it shows.
 */
export function createLoaders(em: EntityManager) {
  return {
    inventoryByProduct: new DataLoader<string, Inventory>(async (ids) => {
      const wanted = [...new Set(ids.map((id) => id.toLowerCase()).filter(isUuid))];
      const rows =
        wanted.length === 0
          ? []
          : await em.execute<StockRow[]>(
              'select product_id, on_hand, reserved, updated_at from inventory where product_id in (?)',
              [wanted],
            );
      const byId = new Map(
        rows.map((row) => [
          row.product_id,
          { productId: row.product_id, onHand: row.on_hand, reserved: row.reserved, updatedAt: row.updated_at },
        ]),
      );
      return ids.map((id) => byId.get(id.toLowerCase()) ?? unstocked(id));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
