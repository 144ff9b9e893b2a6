import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export interface SpecEntry {
  name: string;
  value: string;
}

export interface ImageEntry {
  /** Object key under the media base URL. */
  key: string;
  altText: string;
}

/**
 * A product. Specs and images are small ordered lists read with the product, so they live
 * in JSON columns of its row instead of tables of their own (one query less per page).
 * The rating aggregate is kept on the row, updated in the review's transaction.
 */
export const ProductSchema = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string().length(200),
    description: p.text(),
    brand: p.string().length(100),
    color: p.string().length(50).nullable(),
    specs: p.json<SpecEntry[]>(),
    images: p.json<ImageEntry[]>(),
    priceMinor: p.bigint('number'),
    currencyCode: p.string().length(3),
    categoryId: p.uuid(),
    sellerId: p.uuid(),
    ratingCount: p.integer().default(0),
    ratingSum: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type Product = InferEntity<typeof ProductSchema>;
