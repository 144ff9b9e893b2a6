import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One product in a cart; (cart, product) is unique, so adding a product twice raises the quantity. */
export const CartLineSchema = defineEntity({
  name: 'CartLine',
  tableName: 'cart_lines',
  properties: {
    id: p.uuid().primary(),
    cartId: p.uuid(),
    productId: p.uuid(),
    quantity: p.integer(),
    createdAt: p.datetime(),
  },
});

export type CartLine = InferEntity<typeof CartLineSchema>;
