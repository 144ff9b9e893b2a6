/**
 * The row shapes other services read from a service's tables through change data capture:
 * the product catalogue (search's index, cart's catalogue replica) and the cart's stock
 * (search's in-stock flag). A captured table is a contract between teams just like a domain
 * event, so each is declared here once: the columns its consumers read and how they arrive
 * in Debezium's JSON (text, uuid and timestamptz as strings; integers as JSON numbers).
 *
 * Consumers read rows only through {@link readCdcRow}, which refuses a row that does not
 * match with an InvalidChangeEvent naming the column, so it goes to the dead-letter topic
 * instead of being half-applied. A test (infra/test/cdc-rows.test.ts) checks each
 * declaration against the owning service's migrated database, so a migration that renames
 * or drops a column a consumer reads fails there, not silently in production.
 */
import { InvalidChangeEvent, type RawRow } from './change-event.ts';

/** How a column arrives in a change event: string (text, uuid, timestamptz), integer, or either of them or null. */
export type CdcColumnKind = 'string' | 'integer' | 'string?';

interface CdcTableSpec {
  /** The service whose database holds the table. */
  owner: 'product' | 'cart';
  /** The table in that database's `public` schema. */
  table: string;
  /** The primary key column: a delete carries only that. */
  key: string;
  columns: Readonly<Record<string, CdcColumnKind>>;
}

/** Every captured table other services read, by the name its consumers use. */
export const CDC_ROWS = {
  products: {
    owner: 'product',
    table: 'products',
    key: 'id',
    columns: {
      id: 'string',
      name: 'string',
      description: 'string',
      brand: 'string',
      color: 'string?',
      price_minor: 'integer',
      currency_code: 'string',
      category_id: 'string',
      seller_id: 'string',
      rating_count: 'integer',
      rating_sum: 'integer',
      created_at: 'string',
    },
  },
  categories: {
    owner: 'product',
    table: 'categories',
    key: 'id',
    columns: { id: 'string', name: 'string', parent_id: 'string?' },
  },
  sellers: { owner: 'product', table: 'sellers', key: 'id', columns: { id: 'string', name: 'string' } },
  // updated_at is not read: whether a product is in stock needs only the two counts.
  inventory: {
    owner: 'cart',
    table: 'inventory',
    key: 'product_id',
    columns: { product_id: 'string', on_hand: 'integer', reserved: 'integer' },
  },
} as const satisfies Record<string, CdcTableSpec>;

export type CdcTable = keyof typeof CDC_ROWS;

type ValueOf<K> = K extends 'integer' ? number : K extends 'string?' ? string | null : string;
type ColumnsOf<T extends CdcTable> = (typeof CDC_ROWS)[T]['columns'];

/** The typed row of a captured table, as {@link readCdcRow} returns it. */
export type CdcRow<T extends CdcTable> = { -readonly [C in keyof ColumnsOf<T>]: ValueOf<ColumnsOf<T>[C]> };

function readValue(table: string, row: RawRow, name: string, kind: CdcColumnKind): string | number | null {
  const value = row[name];
  if (kind === 'string?' && (value === null || value === undefined)) return null;
  if (kind === 'integer') {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  } else if (typeof value === 'string') {
    return value;
  }
  const expected = kind === 'integer' ? 'an integer' : kind === 'string?' ? 'a string or null' : 'a string';
  throw new InvalidChangeEvent(`${table}.${name} should be ${expected}, got ${JSON.stringify(value)}`);
}

/**
 * Reads a changed row of a captured table: the declared columns (or only `columns`, for a
 * consumer that needs fewer), each checked. Columns nobody declared are left out, so adding
 * a column to a table is never a breaking change.
 */
export function readCdcRow<T extends CdcTable>(table: T, raw: RawRow): CdcRow<T>;
export function readCdcRow<T extends CdcTable, C extends keyof CdcRow<T> & string>(
  table: T,
  raw: RawRow,
  columns: readonly C[],
): Pick<CdcRow<T>, C>;
export function readCdcRow(table: CdcTable, raw: RawRow, columns?: readonly string[]): Record<string, unknown> {
  const spec: CdcTableSpec = CDC_ROWS[table];
  const row: Record<string, string | number | null> = {};
  for (const [name, kind] of Object.entries(spec.columns)) {
    if (!columns || columns.includes(name)) row[name] = readValue(spec.table, raw, name, kind);
  }
  return row;
}

/** The primary key of a changed row (for a delete, of the row before it). */
export function readCdcKey(table: CdcTable, raw: RawRow): string {
  const spec: CdcTableSpec = CDC_ROWS[table];
  return readValue(spec.table, raw, spec.key, 'string') as string;
}

/** The topic Debezium writes a captured table's changes to: `<topic.prefix>.public.<table>`. */
export const cdcTopic = (prefix: string, table: CdcTable): string => `${prefix}.public.${CDC_ROWS[table].table}`;

/** The captured tables a service owns, e.g. the catalogue's (products, categories, sellers). */
export const cdcTablesOf = (owner: CdcTableSpec['owner']): CdcTable[] =>
  (Object.keys(CDC_ROWS) as CdcTable[]).filter((table) => CDC_ROWS[table].owner === owner);
