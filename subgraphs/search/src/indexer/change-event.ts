/**
 * Debezium change events of the catalogue tables, as the JSON converter writes them with
 * schemas disabled: `{ before, after, source: { lsn, ... }, op }`. Timestamps arrive as ISO
 * strings (timestamptz), 64-bit integers as JSON numbers (prices stay far below 2^53).
 */
import { column, nullableColumn, readChangeEnvelope, type RawRow } from '@emporium/events';
import type { CategoryRow, ProductRow, SellerRow } from '../search-index/product-document.ts';

export { InvalidChangeEvent, UNAVAILABLE_VALUE } from '@emporium/events';

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

export const topicName = (prefix: string, table: CatalogueTable): string => `${prefix}.public.${table}`;

/** The table a topic carries, or undefined for a topic that is not one of ours. */
export function tableOfTopic(prefix: string, topic: string): CatalogueTable | undefined {
  return CATALOGUE_TABLES.find((table) => topicName(prefix, table) === topic);
}

const readers: { [T in CatalogueTable]: (raw: RawRow) => RowTypes[T] } = {
  products: (raw) => ({
    id: column(raw, 'id', 'string'),
    name: column(raw, 'name', 'string'),
    description: column(raw, 'description', 'string'),
    brand: column(raw, 'brand', 'string'),
    color: nullableColumn(raw, 'color'),
    price_minor: column(raw, 'price_minor', 'number'),
    currency_code: column(raw, 'currency_code', 'string'),
    category_id: column(raw, 'category_id', 'string'),
    seller_id: column(raw, 'seller_id', 'string'),
    rating_count: column(raw, 'rating_count', 'number'),
    rating_sum: column(raw, 'rating_sum', 'number'),
    created_at: column(raw, 'created_at', 'string'),
  }),
  categories: (raw) => ({
    id: column(raw, 'id', 'string'),
    name: column(raw, 'name', 'string'),
    parent_id: nullableColumn(raw, 'parent_id'),
  }),
  sellers: (raw) => ({ id: column(raw, 'id', 'string'), name: column(raw, 'name', 'string') }),
};

/**
 * Reads a message value of one of the catalogue's topics. Returns null for a tombstone
 * (null value), which only tells log compaction to forget the key: the delete event before
 * it already did the work.
 */
export function readChangeEvent<T extends CatalogueTable>(
  table: T,
  value: Buffer | string | null,
): ChangeEvent<RowTypes[T]> | null {
  const envelope = readChangeEnvelope(value);
  if (!envelope) return null;
  if (!envelope.after) {
    return { id: column(envelope.before ?? {}, 'id', 'string'), row: null, lsn: envelope.lsn };
  }
  const row = readers[table](envelope.after);
  return { id: row.id, row, lsn: envelope.lsn };
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
