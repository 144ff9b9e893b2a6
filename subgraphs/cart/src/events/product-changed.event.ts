/**
 * A change of the product service's `products` table, from its CDC topic
 * (`cdc.catalogue.public.products`, Debezium's envelope). The cart keeps only what it needs
 * to check and price a line, read through the row shape declared in @emporium/contracts.
 */
import { readCdcKey, readCdcRow, readChangeEnvelope } from '@emporium/contracts';

export { InvalidChangeEvent } from '@emporium/contracts';

/** The product table's change topic as the catalogue connector names it (cdc-connectors/catalogue.json). */
export const CATALOGUE_PRODUCTS_TOPIC = 'cdc.catalogue.public.products';

/** One product's state after a change, at a position of the product database's WAL. */
export interface ProductChanged {
  productId: string;
  /** Null when the product was deleted. */
  product: { name: string; priceMinor: number; currencyCode: string } | null;
  /** Orders the changes of one product: a replica keeps the highest it has seen. */
  lsn: number;
}

/** Reads one message value; null for a tombstone. Throws InvalidChangeEvent for anything unreadable. */
export function readProductChanged(value: Buffer | string | null): ProductChanged | null {
  const envelope = readChangeEnvelope(value);
  if (!envelope) return null;
  if (!envelope.after) {
    return { productId: readCdcKey('products', envelope.before ?? {}).toLowerCase(), product: null, lsn: envelope.lsn };
  }
  const row = readCdcRow('products', envelope.after, ['id', 'name', 'price_minor', 'currency_code']);
  return {
    productId: row.id.toLowerCase(),
    product: { name: row.name, priceMinor: row.price_minor, currencyCode: row.currency_code },
    lsn: envelope.lsn,
  };
}
