/**
 * `node subgraphs/cart/src/seed/seed.ts [--products N] [--force]`: migrates the cart
 * database, then stocks the seeded catalogue (the product seed's first N products). Products
 * that already have a stock row keep it unless --force is given, which resets them to the
 * seeded level (never below what open orders hold).
 */
import type { EntityManager } from '@emporium/db';
import { runSeed } from '@emporium/runtime/seed';
import { entities } from '../entities/index.ts';
import { migrations } from '../migrations/index.ts';
import { stockBatches, type SeedStock } from './stock.ts';

/** Rows per INSERT; each batch travels as one JSON parameter. */
const BATCH_SIZE = 5000;

/** Inserts one batch of stock rows; returns how many were written. */
async function insertStock(em: EntityManager, batch: readonly SeedStock[], force: boolean): Promise<number> {
  const rows = batch.map((stock) => ({ product_id: stock.productId, on_hand: stock.onHand }));
  const conflict = force
    ? // Units reserved for open orders stay covered: the check constraint would refuse less anyway.
      'do update set on_hand = greatest(excluded.on_hand, inventory.reserved), updated_at = now()'
    : 'do nothing';
  const written = await em.execute<{ product_id: string }[]>(
    `insert into inventory (product_id, on_hand, reserved, updated_at)
     select product_id, on_hand, 0, now() from jsonb_to_recordset(?::jsonb) as stock(product_id uuid, on_hand int)
     on conflict (product_id) ${conflict}
     returning product_id`,
    [JSON.stringify(rows)],
  );
  return written.length;
}

await runSeed({
  service: 'cart',
  entities,
  migrations,
  write: async ({ orm, config, logger, elapsedSeconds }) => {
    const written = await orm.em.fork().transactional(async (em) => {
      let total = 0;
      if (!config.demoData) return total;
      for (const batch of stockBatches(config.products, BATCH_SIZE))
        total += await insertStock(em, batch, config.force);
      return total;
    });
    // Fresh statistics, or the planner keeps treating the table as empty until autovacuum runs.
    if (written > 0) await orm.em.fork().execute('analyze inventory');
    const seconds = elapsedSeconds();
    logger.info(
      { products: config.products, written, seconds },
      `stocked ${written} of ${config.products} products in ${seconds} s` +
        (written < config.products && !config.force ? ' (the others had stock already; --force resets them)' : ''),
    );
  },
});
