/**
 * `node subgraphs/cart/src/seed/seed.ts [--products N] [--force]`: migrates the cart
 * database, then stocks the seeded catalogue (the product seed's first N products). Products
 * that already have a stock row keep it unless --force is given, which resets them to the
 * seeded level (never below what open orders hold).
 */
import { loadConfig, readDatabaseUrl } from '@emporium/config';
import { createOrm, migrate, type EntityManager } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { demoDataWanted, parseSeedArgs, type SeedArgs } from '@emporium/seed';
import { entities } from '../entities/index.ts';
import { migrations } from '../migrations/index.ts';
import { stockBatches, type SeedStock } from './stock.ts';

/** Rows per INSERT; each batch travels as one JSON parameter. */
const BATCH_SIZE = 5000;

interface CartSeedConfig extends SeedArgs {
  databaseUrl: string;
  /** Stock for the demo catalogue; off in production (see demoDataWanted), when the seed only migrates. */
  demoData: boolean;
  logLevel: string;
}

function readCartSeedConfig(args: readonly string[], source?: NodeJS.ProcessEnv): CartSeedConfig {
  return {
    ...parseSeedArgs(args),
    ...loadConfig(
      (env) => ({
        databaseUrl: readDatabaseUrl(env),
        demoData: demoDataWanted(env),
        logLevel: env.logLevel(),
      }),
      source,
    ),
  };
}

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

let config: CartSeedConfig;
try {
  config = readCartSeedConfig(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const logger = createLogger('cart-seed', { level: config.logLevel });
const database = { service: 'cart', serverUrl: config.databaseUrl };
const started = performance.now();
const orm = await createOrm({ ...database, entities, migrations, logger });
try {
  await migrate(orm, database);
  const written = await orm.em.fork().transactional(async (em) => {
    let total = 0;
    if (!config.demoData) return total;
    for (const batch of stockBatches(config.products, BATCH_SIZE)) total += await insertStock(em, batch, config.force);
    return total;
  });
  // Fresh statistics, or the planner keeps treating the table as empty until autovacuum runs.
  if (written > 0) await orm.em.fork().execute('analyze inventory');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  logger.info(
    { products: config.products, written, seconds },
    `stocked ${written} of ${config.products} products in ${seconds} s` +
      (written < config.products && !config.force ? ' (the others had stock already; --force resets them)' : ''),
  );
} catch (error) {
  logger.error({ err: error }, 'cart seed failed');
  process.exitCode = 1;
} finally {
  await orm.close();
}
