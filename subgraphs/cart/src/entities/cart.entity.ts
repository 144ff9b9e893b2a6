import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A cart. A shopper's cart has the shopper's user id as its id: one cart per shopper, so an
 * empty cart needs no row and keeps a stable id. A guest cart (`guest`) has a random id, the
 * only key to it, and is deleted when merged into a shopper's cart or after going
 * `updatedAt` too long without a change. Writers upsert or update the row first, which also
 * serialises concurrent changes to one cart.
 */
export const CartSchema = defineEntity({
  name: 'Cart',
  tableName: 'carts',
  properties: {
    id: p.uuid().primary(),
    guest: p.boolean().default(false),
    updatedAt: p.datetime(),
  },
});

export type Cart = InferEntity<typeof CartSchema>;
