/**
 * Debezium change events of the catalogue tables, as the JSON converter writes them with
 * schemas disabled: `{ before, after, source: { lsn, ... }, op }`. Timestamps arrive as ISO
 * strings (timestamptz), 64-bit integers as JSON numbers (prices stay far below 2^53).
 */
import type { CategoryRow, ProductRow, SellerRow } from '../search-index/product-document.ts';

/** The tables search reads, as the topics `<prefix>.public.<table>` name them. */
export const CATALOGUE_TABLES = ['products', 'categories', 'sellers'] as const;
export type CatalogueTable = (typeof CATALOGUE_TABLES)[number];

export interface RowTypes {
  products: ProductRow;
  categories: CategoryRow;
  sellers: SellerRow;
}

/** One row's change: the row after it (null for a delete) at a position of the WAL. */
export interface ChangeEvent<T> {
  /** The row's primary key. */
  id: string;
  /** The row after the change; null when it was deleted. */
  row: T | null;
  /**
   * The change's position in PostgreSQL's WAL. Changes of one row only move forward, so
   * it orders them: it is the document's external version in Elasticsearch.
   */
  lsn: number;
}

/** Thrown for a message that is not a change event of the expected table. */
export class InvalidChangeEvent extends Error {
  constructor(reason: string) {
    super(`invalid change event: ${reason}`);
    this.name = 'InvalidChangeEvent';
  }
}

export const topicName = (prefix: string, table: CatalogueTable): string => `${prefix}.public.${table}`;

/** The table a topic carries, or undefined for a topic that is not one of ours. */
export function tableOfTopic(prefix: string, topic: string): CatalogueTable | undefined {
  return CATALOGUE_TABLES.find((table) => topicName(prefix, table) === topic);
}

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

function field<K extends 'string' | 'number'>(raw: Raw, name: string, kind: K): K extends 'string' ? string : number {
  const value = raw[name];
  if (typeof value !== kind) throw new InvalidChangeEvent(`${name} should be a ${kind}, got ${JSON.stringify(value)}`);
  return value as K extends 'string' ? string : number;
}

function nullableString(raw: Raw, name: string): string | null {
  const value = raw[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new InvalidChangeEvent(`${name} should be a string or null`);
  return value;
}

const readers: { [T in CatalogueTable]: (raw: Raw) => RowTypes[T] } = {
  products: (raw) => ({
    id: field(raw, 'id', 'string'),
    name: field(raw, 'name', 'string'),
    description: field(raw, 'description', 'string'),
    brand: field(raw, 'brand', 'string'),
    color: nullableString(raw, 'color'),
    price_minor: field(raw, 'price_minor', 'number'),
    currency_code: field(raw, 'currency_code', 'string'),
    category_id: field(raw, 'category_id', 'string'),
    seller_id: field(raw, 'seller_id', 'string'),
    rating_count: field(raw, 'rating_count', 'number'),
    rating_sum: field(raw, 'rating_sum', 'number'),
    created_at: field(raw, 'created_at', 'string'),
  }),
  categories: (raw) => ({
    id: field(raw, 'id', 'string'),
    name: field(raw, 'name', 'string'),
    parent_id: nullableString(raw, 'parent_id'),
  }),
  sellers: (raw) => ({ id: field(raw, 'id', 'string'), name: field(raw, 'name', 'string') }),
};

/** Debezium's stand-in for a large (TOASTed) column an update left unchanged. */
export const UNAVAILABLE_VALUE = '__debezium_unavailable_value';

/**
 * An update that leaves a long description alone carries the placeholder instead of the
 * text; the row before the change (complete, since the table's REPLICA IDENTITY is FULL)
 * holds the value, so the placeholder never reaches the index.
 */
function withUnchangedLargeValues(after: Raw, before: unknown): Raw {
  if (!Object.values(after).includes(UNAVAILABLE_VALUE)) return after;
  if (!isObject(before))
    throw new InvalidChangeEvent('an unchanged large value without the full row before the change');
  return Object.fromEntries(
    Object.entries(after).map(([key, value]) => [key, value === UNAVAILABLE_VALUE ? before[key] : value]),
  );
}

/**
 * Reads a message value. Returns null for a tombstone (null value), which only tells
 * log compaction to forget the key: the delete event before it already did the work.
 */
export function readChangeEvent<T extends CatalogueTable>(
  table: T,
  value: Buffer | string | null,
): ChangeEvent<RowTypes[T]> | null {
  if (value === null || value.length === 0) return null;
  let envelope: unknown;
  try {
    envelope = JSON.parse(value.toString());
  } catch {
    throw new InvalidChangeEvent('not JSON');
  }
  if (!isObject(envelope) || !isObject(envelope['source'])) throw new InvalidChangeEvent('no source block');
  const op = envelope['op'];
  const lsn = envelope['source']['lsn'];
  if (typeof lsn !== 'number' || !Number.isSafeInteger(lsn) || lsn < 0) {
    throw new InvalidChangeEvent('source.lsn should be a non-negative integer');
  }
  if (op === 'd') {
    const before = envelope['before'];
    if (!isObject(before)) throw new InvalidChangeEvent('a delete without its key in before');
    return { id: field(before, 'id', 'string'), row: null, lsn };
  }
  if (op !== 'c' && op !== 'u' && op !== 'r') throw new InvalidChangeEvent(`unknown op ${JSON.stringify(op)}`);
  const after = envelope['after'];
  if (!isObject(after)) throw new InvalidChangeEvent(`op ${op} without after`);
  const row = readers[table](withUnchangedLargeValues(after, envelope['before']));
  return { id: row.id, row, lsn };
}

/** Keeps each row's last change of a batch: events of one row arrive in order, so the last is the newest. */
export function latestPerRow<T>(events: readonly ChangeEvent<T>[]): ChangeEvent<T>[] {
  const latest = new Map<string, ChangeEvent<T>>();
  for (const event of events) {
    const current = latest.get(event.id);
    if (!current || event.lsn >= current.lsn) latest.set(event.id, event);
  }
  return [...latest.values()];
}
