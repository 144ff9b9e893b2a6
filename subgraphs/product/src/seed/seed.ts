/**
 * `node subgraphs/product/src/seed/seed.ts [--products N] [--force]`: fills an empty product
 * database with the generated demo catalogue (categories, sellers, products, reviews) in one
 * transaction. A database that already has products is left alone unless --force is given,
 * which replaces the whole catalogue.
 */
import pg from 'pg';
import { serviceDatabaseUrl } from '@emporium/config';
import { runSeed } from '@emporium/runtime/seed';
import { entities } from '../entities/index.ts';
import { migrations } from '../migrations/index.ts';
import { createCatalogue, type Catalogue, type SeedProduct } from './catalogue.ts';

/** Fixed, so every machine seeds the same catalogue and tests can name what they expect. */
const CATALOGUE_SEED = 2026;

/** Products per INSERT: about 1.5 MB of parameters, large enough that round trips stop mattering. */
const BATCH_SIZE = 1000;

const PRODUCT_COLUMNS =
  'id, name, description, brand, color, specs, images, price_minor, currency_code, category_id, seller_id, ' +
  'rating_count, rating_sum, created_at, updated_at';
const PRODUCT_TYPES = 'uuid text text text text jsonb jsonb bigint text uuid uuid int int timestamptz timestamptz';
const REVIEW_COLUMNS = 'id, product_id, author_id, rating, title, body, created_at';
const REVIEW_TYPES = 'uuid uuid uuid int text text timestamptz';

/**
 * `INSERT … SELECT FROM unnest($1::uuid[], $2::text[], …)`: one array parameter per column,
 * so a thousand rows are one short statement, bound rather than spliced into the SQL text.
 */
function unnestInsert(table: string, columns: string, types: string): string {
  const arrays = types.split(' ').map((type, i) => `$${i + 1}::${type}[]`);
  return `INSERT INTO ${table} (${columns}) SELECT * FROM unnest(${arrays.join(', ')})`;
}

const INSERT_PRODUCTS = unnestInsert('products', PRODUCT_COLUMNS, PRODUCT_TYPES);
const INSERT_REVIEWS = unnestInsert('reviews', REVIEW_COLUMNS, REVIEW_TYPES);

interface Inserted {
  products: number;
  reviews: number;
}

/** One batch's products, then their reviews; the rating aggregate is computed from the latter. */
async function insertBatch(db: pg.ClientBase, batch: readonly SeedProduct[]): Promise<Inserted> {
  const products: unknown[][] = PRODUCT_TYPES.split(' ').map(() => []);
  const reviews: unknown[][] = REVIEW_TYPES.split(' ').map(() => []);
  const push = (columns: unknown[][], values: readonly unknown[]): void => {
    values.forEach((value, i) => columns[i]?.push(value));
  };
  for (const product of batch) {
    let ratingSum = 0;
    for (const review of product.reviews) {
      ratingSum += review.rating;
      push(reviews, [
        review.id,
        review.productId,
        review.authorId,
        review.rating,
        review.title,
        review.body,
        review.createdAt.toISOString(),
      ]);
    }
    push(products, [
      product.id,
      product.name,
      product.description,
      product.brand,
      product.color,
      JSON.stringify(product.specs),
      JSON.stringify(product.images),
      product.priceMinor,
      product.currencyCode,
      product.categoryId,
      product.sellerId,
      product.reviews.length,
      ratingSum,
      product.createdAt.toISOString(),
      product.updatedAt.toISOString(),
    ]);
  }
  const reviewCount = reviews[0]?.length ?? 0;
  // Both are queued at once: the connection runs them in order while the caller builds the next batch.
  await Promise.all([db.query(INSERT_PRODUCTS, products), reviewCount > 0 ? db.query(INSERT_REVIEWS, reviews) : null]);
  return { products: batch.length, reviews: reviewCount };
}

async function insertCatalogue(db: pg.ClientBase, catalogue: Catalogue): Promise<Inserted> {
  const { categories, sellers } = catalogue;
  // Parents come first in the list, so the foreign key holds row by row.
  await db.query(
    `INSERT INTO categories (id, name, slug, parent_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) ON CONFLICT (id) DO NOTHING`,
    [
      categories.map((category) => category.id),
      categories.map((category) => category.name),
      categories.map((category) => category.slug),
      categories.map((category) => category.parentId),
    ],
  );
  const present = await db.query('SELECT count(*)::int AS count FROM categories WHERE id = ANY($1::uuid[])', [
    categories.map((category) => category.id),
  ]);
  if ((present.rows[0] as { count: number } | undefined)?.count !== categories.length) {
    throw new Error('the categories table has other categories with the seed slugs; seed an empty database');
  }
  await db.query(
    `INSERT INTO sellers (id, name, created_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) ON CONFLICT (id) DO NOTHING`,
    [
      sellers.map((seller) => seller.id),
      sellers.map((seller) => seller.name),
      sellers.map((seller) => seller.createdAt.toISOString()),
    ],
  );

  const total: Inserted = { products: 0, reviews: 0 };
  const add = (done: Inserted | undefined): void => {
    total.products += done?.products ?? 0;
    total.reviews += done?.reviews ?? 0;
  };
  // Building the next batch (CPU) overlaps with PostgreSQL storing the previous one.
  let pending: Promise<Inserted> | undefined;
  for (const batch of catalogue.batches(BATCH_SIZE)) {
    add(await pending);
    pending = insertBatch(db, batch);
  }
  add(await pending);
  return total;
}

/** Seeds unless products exist (or replaces them with `force`); undefined when it left them. */
async function seedCatalogue(db: pg.ClientBase, catalogue: Catalogue, force: boolean): Promise<Inserted | undefined> {
  await db.query('BEGIN');
  try {
    // Two seeds started together queue here; the second then finds products and stops.
    await db.query("SELECT pg_advisory_xact_lock(hashtext('emporium:seed:product'))");
    const existing = await db.query('SELECT EXISTS (SELECT 1 FROM products) AS present');
    const present = (existing.rows[0] as { present: boolean } | undefined)?.present === true;
    if (present && !force) {
      await db.query('ROLLBACK');
      return undefined;
    }
    if (present) {
      // DELETE rather than TRUNCATE: change data capture passes deletes on to the search index.
      for (const table of ['reviews', 'products', 'sellers', 'categories']) await db.query(`DELETE FROM ${table}`);
    }
    const inserted = await insertCatalogue(db, catalogue);
    await db.query('COMMIT');
    return inserted;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

await runSeed({
  service: 'product',
  entities,
  migrations,
  write: async ({ config, logger, elapsedSeconds }) => {
    // Rows go through a client of its own, with bound array parameters: the ORM's raw queries
    // splice every value into the SQL text, which costs more than the inserts themselves.
    const db = new pg.Client({ connectionString: serviceDatabaseUrl(config.databaseUrl, 'product') });
    try {
      await db.connect();
      const catalogue = config.demoData
        ? createCatalogue({ seed: CATALOGUE_SEED, products: config.products, now: new Date() })
        : undefined;
      const inserted = catalogue ? await seedCatalogue(db, catalogue, config.force) : undefined;
      // Fresh statistics, or the planner keeps treating the tables as empty until autovacuum runs.
      if (inserted) await db.query('ANALYZE categories, sellers, products, reviews');
      const seconds = elapsedSeconds();
      if (!catalogue) {
        logger.info({ seconds }, 'migrated; no demo catalogue in production (SEED_DEMO_DATA=true seeds one)');
      } else if (!inserted) {
        logger.info({ seconds }, `products already present, nothing to do in ${seconds} s (--force replaces them)`);
      } else {
        logger.info(
          { ...inserted, categories: catalogue.categories.length, sellers: catalogue.sellers.length, seconds },
          `seeded ${inserted.products} products, ${inserted.reviews} reviews, ${catalogue.sellers.length} sellers ` +
            `and ${catalogue.categories.length} categories in ${seconds} s`,
        );
      }
    } finally {
      await db.end().catch(() => undefined);
    }
  },
});
