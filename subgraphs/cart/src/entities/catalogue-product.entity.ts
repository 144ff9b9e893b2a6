import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The cart's replica of a product service row, fed by its change stream: just what a cart
 * needs to check and price a line. `lsn` is the WAL position of the change last applied, so
 * a replayed or late change never overwrites a newer one; a deleted product keeps its row
 * (flagged) for the same reason.
 */
export const CatalogueProductSchema = defineEntity({
  name: 'CatalogueProduct',
  tableName: 'catalogue_products',
  properties: {
    productId: p.uuid().primary(),
    name: p.text().nullable(),
    priceMinor: p.bigint('number').nullable(),
    currencyCode: p.string().length(3).nullable(),
    deleted: p.boolean().default(false),
    lsn: p.bigint('number'),
  },
});

export type CatalogueProduct = InferEntity<typeof CatalogueProductSchema>;
