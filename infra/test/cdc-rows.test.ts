/**
 * The CDC row shapes other services read (@emporium/contracts' CDC_ROWS) against the tables
 * the owning services' migrations actually create, and against the connectors that capture
 * them. A migration that renames, drops or retypes a column a consumer reads fails here,
 * instead of silently stopping search's index or the cart's catalogue replica.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDC_ROWS, type CdcColumnKind, type CdcTable } from '@emporium/contracts';
import type { MikroORM } from '@emporium/db';
import { createScratchOrm, type ScratchOrm } from '@emporium/testing/database';
import { repoRoot } from '../src/config.ts';
import { entities as cartEntities } from '../../subgraphs/cart/src/entities/index.ts';
import { migrations as cartMigrations } from '../../subgraphs/cart/src/migrations/index.ts';
import { entities as productEntities } from '../../subgraphs/product/src/entities/index.ts';
import { migrations as productMigrations } from '../../subgraphs/product/src/migrations/index.ts';

/** PostgreSQL types Debezium's JSON converter (as the connectors configure it) writes as each kind. */
const COMPATIBLE: Record<CdcColumnKind, readonly string[]> = {
  string: ['text', 'character varying', 'uuid', 'timestamp with time zone', 'character'],
  'string?': ['text', 'character varying', 'uuid', 'timestamp with time zone', 'character'],
  integer: ['integer', 'bigint', 'smallint'],
};

interface ColumnInfo {
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

/** What is wrong with a declared table in a migrated database: one line per problem, none when it matches. */
async function mismatches(orm: MikroORM, table: CdcTable): Promise<string[]> {
  const spec = CDC_ROWS[table];
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<ColumnInfo[]>(
      `select column_name, data_type, is_nullable from information_schema.columns
       where table_schema = 'public' and table_name = ?`,
      [spec.table],
    );
  const actual = new Map(rows.map((row) => [row.column_name, row]));
  const problems: string[] = [];
  for (const [name, kind] of Object.entries(spec.columns) as [string, CdcColumnKind][]) {
    const column = actual.get(name);
    const where = `${spec.owner}.${spec.table}.${name}`;
    if (!column) problems.push(`${where} is read by consumers but does not exist`);
    else if (!COMPATIBLE[kind].includes(column.data_type))
      problems.push(`${where} is ${column.data_type}, consumers read it as ${kind}`);
    else if (kind !== 'string?' && column.is_nullable === 'YES')
      problems.push(`${where} may be null, consumers require it`);
  }
  return problems;
}

const connectorTables = (file: string): string[] => {
  const connector = JSON.parse(readFileSync(join(repoRoot, 'cdc-connectors', file), 'utf8')) as {
    config: Record<string, string>;
  };
  return (connector.config['table.include.list'] ?? '').split(',').map((table) => table.replace(/^public\./, ''));
};

let product: ScratchOrm;
let cart: ScratchOrm;
// What beforeAll managed to create, so afterAll closes it even when the other one failed.
const created: ScratchOrm[] = [];

beforeAll(async () => {
  const keep = (orm: ScratchOrm): ScratchOrm => (created.push(orm), orm);
  [product, cart] = await Promise.all([
    createScratchOrm('cdc_rows_product', { entities: productEntities, migrations: productMigrations }).then(keep),
    createScratchOrm('cdc_rows_cart', { entities: cartEntities, migrations: cartMigrations }).then(keep),
  ]);
});

afterAll(async () => {
  await Promise.all(created.map((orm) => orm.close()));
});

describe('the CDC row shapes consumers read', () => {
  const owners = { product: () => product.orm, cart: () => cart.orm };

  it.each(Object.keys(CDC_ROWS) as CdcTable[])('match the migrated %s table', async (table) => {
    expect(await mismatches(owners[CDC_ROWS[table].owner](), table)).toEqual([]);
  });

  it('are captured by the connectors, every one of them', () => {
    // The cart connector's outbox rows become events (its EventRouter), not change rows.
    const captured = [...connectorTables('catalogue.json'), ...connectorTables('cart.json')].filter(
      (table) => table !== 'outbox',
    );
    expect(captured.sort()).toEqual(
      Object.values(CDC_ROWS)
        .map((spec) => spec.table)
        .sort(),
    );
  });

  it('name a renamed or dropped column, so such a migration cannot pass unnoticed', async () => {
    const connection = product.orm.em.fork().getConnection();
    await connection.execute('alter table sellers rename column name to display_name');
    await connection.execute('alter table categories drop column parent_id');
    expect(await mismatches(product.orm, 'sellers')).toEqual([
      'product.sellers.name is read by consumers but does not exist',
    ]);
    expect(await mismatches(product.orm, 'categories')).toEqual([
      'product.categories.parent_id is read by consumers but does not exist',
    ]);
  });
});
