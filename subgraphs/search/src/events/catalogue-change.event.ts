/**
 * Debezium change events of the tables search reads (the catalogue's, and the cart
 * service's stock), as the JSON converter writes them with schemas disabled:
 * `{ before, after, source: { lsn, ... }, op }`. Timestamps arrive as ISO strings
 * (timestamptz), 64-bit integers as JSON numbers (prices stay far below 2^53).
 */
import { readCdcKey, readCdcRow, readChangeEnvelope, type RawRow } from '@emporium/contracts';
import type { CategoryRow, ProductRow, SellerRow } from '../search-index/product-document.ts';
import type { StockRow } from '../search-index/stock.ts';

export { InvalidChangeEvent, UNAVAILABLE_VALUE } from '@emporium/contracts';

/** The tables search reads, as the topics `<prefix>.public.<table>` name them. */
export const CATALOGUE_TABLES = ['products', 'categories', 'sellers'] as const;
export type CatalogueTable = (typeof CATALOGUE_TABLES)[number];
/**
 * The cart service's stock table (`product_id`, `on_hand`, `reserved`), on the topic of a
 * connector other than the catalogue's (cdc-connectors/cart.json), so its topic is configured whole.
 */
export const STOCK_TABLE = 'inventory';
/** Every table whose changes the indexer applies. */
export type SourceTable = CatalogueTable | typeof STOCK_TABLE;

export interface RowTypes {
  products: ProductRow;
  categories: CategoryRow;
  sellers: SellerRow;
  inventory: StockRow;
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
  /** When the change was committed at the source (ms since the epoch); absent for a snapshot read. */
  committedAt?: number;
}

export const topicName = (prefix: string, table: CatalogueTable): string => `${prefix}.public.${table}`;

/** The table a topic carries, or undefined for a topic that is not one of ours. */
export function tableOfTopic(prefix: string, topic: string): CatalogueTable | undefined {
  return CATALOGUE_TABLES.find((table) => topicName(prefix, table) === topic);
}

/** Per table, how a row after a change is read: the shape declared once in @emporium/contracts' CDC_ROWS. */
const readers: { [T in SourceTable]: (raw: RawRow) => RowTypes[T] } = {
  products: (raw) => readCdcRow('products', raw),
  categories: (raw) => readCdcRow('categories', raw),
  sellers: (raw) => readCdcRow('sellers', raw),
  inventory: (raw) => readCdcRow('inventory', raw),
};

/**
 * Reads a message value of one of the topics search consumes. Returns null for a tombstone
 * (null value), which only tells log compaction to forget the key: the delete event before
 * it already did the work.
 */
export function readChangeEvent<T extends SourceTable>(
  table: T,
  value: Buffer | string | null,
): ChangeEvent<RowTypes[T]> | null {
  const envelope = readChangeEnvelope(value);
  if (!envelope) return null;
  const read = readers[table] as (raw: RawRow) => RowTypes[T];
  const committed = envelope.committedAtMs === undefined ? {} : { committedAt: envelope.committedAtMs };
  if (!envelope.after) {
    return { id: readCdcKey(table, envelope.before ?? {}), row: null, lsn: envelope.lsn, ...committed };
  }
  return { id: readCdcKey(table, envelope.after), row: read(envelope.after), lsn: envelope.lsn, ...committed };
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

/** Each row's lowest WAL position in a batch: at or below what the index holds means the batch is a replay. */
export function firstLsnPerRow<T>(events: readonly ChangeEvent<T>[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const event of events) first.set(event.id, Math.min(first.get(event.id) ?? event.lsn, event.lsn));
  return first;
}
