import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A shopper's cart. Its id is the shopper's user id: one cart per shopper, so an empty cart
 * needs no row and keeps a stable id. Writers upsert the row first, which also serialises
 * concurrent changes to one cart.
 */
export const CartSchema = defineEntity({
  name: 'Cart',
  tableName: 'carts',
  properties: {
    id: p.uuid().primary(),
    updatedAt: p.datetime(),
  },
});

export type Cart = InferEntity<typeof CartSchema>;
