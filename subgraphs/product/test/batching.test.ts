import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { createOrm, migrate, type MikroORM } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import { contextFactory } from '../src/context.ts';
import { entities } from '../src/entities/index.ts';
import { migrations } from '../src/migrations/index.ts';
import { buildSchema } from '../src/schema.ts';
import { CatalogueService } from '../src/services/catalogue.service.ts';
import { ReviewService } from '../src/services/review.service.ts';

/**
 * The N+1 guard: a page of products with category, seller and reviews (whose authors the
 * router resolves in the identity subgraph) costs the same number of statements whatever
 * the page size.
 */
let database: ScratchDatabase;
let orm: MikroORM;
const statements: string[] = [];
const schema = buildSchema();

const PAGE = parse(`
  query Page($first: Int!) {
    products(first: $first) {
      totalCount
      edges { node { id name price { amount } category { id name parent { name } } seller { id name }
        rating { average count }
        reviews(first: 5) { totalCount edges { node { id rating author { id } } } } } }
    }
  }
`);

beforeAll(async () => {
  database = await createScratchDatabase('product');
  orm = await createOrm({
    ...database,
    entities,
    migrations,
    logger: createLogger('test', { level: 'silent' }),
    onQuery: (sql) => statements.push(sql),
  });
  await migrate(orm, database);
  const em = orm.em.fork();
  const root = randomUUID();
  const leaves = [randomUUID(), randomUUID(), randomUUID()];
  await em.execute(
    `INSERT INTO categories (id, name, slug, parent_id) VALUES (?, 'Electronics', 'electronics', NULL)`,
    [root],
  );
  for (const [i, id] of leaves.entries()) {
    await em.execute(`INSERT INTO categories (id, name, slug, parent_id) VALUES (?, ?, ?, ?)`, [
      id,
      `Leaf ${i}`,
      `leaf-${i}`,
      root,
    ]);
  }
  const sellers = Array.from({ length: 7 }, () => randomUUID());
  for (const [i, id] of sellers.entries())
    await em.execute(`INSERT INTO sellers (id, name) VALUES (?, ?)`, [id, `Seller ${i}`]);
  for (let p = 0; p < 40; p += 1) {
    const id = randomUUID();
    await em.execute(
      `INSERT INTO products (id, name, description, brand, price_minor, currency_code, category_id, seller_id, rating_count, rating_sum, created_at)
       VALUES (?, ?, '', 'Brand', ?, 'USD', ?, ?, 3, 12, now() - (? * interval '1 minute'))`,
      [id, `Product ${p}`, 1000 + p, leaves[p % leaves.length], sellers[p % sellers.length], p],
    );
    for (let r = 0; r < 3; r += 1) {
      await em.execute(
        `INSERT INTO reviews (id, product_id, author_id, rating, title, body) VALUES (?, ?, ?, 4, 'Good', 'Fine')`,
        [randomUUID(), id, randomUUID()],
      );
    }
  }
});

afterAll(async () => {
  await orm.close();
  await database.drop();
});

async function statementsFor(first: number): Promise<number> {
  const context = contextFactory({
    orm,
    catalogue: new CatalogueService(),
    reviews: new ReviewService(),
    mediaBaseUrl: 'https://media.test',
  })({
    caller: null,
    requestId: 'test',
  });
  statements.length = 0;
  const result = await execute({ schema, document: PAGE, variableValues: { first }, contextValue: context });
  expect(result.errors).toBeUndefined();
  const edges = (result.data as { products: { edges: { node: { reviews: { edges: unknown[] } } }[] } }).products.edges;
  expect(edges).toHaveLength(first);
  expect(edges.every((edge) => edge.node.reviews.edges.length === 3)).toBe(true);
  return statements.length;
}

describe('product page batching', () => {
  it('runs the same number of SQL statements for 5 products as for 20', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(20);
    expect(large).toBe(small);
    // count, page, categories, parent categories, sellers, reviews.
    expect(large).toBeLessThanOrEqual(6);
  });
});
