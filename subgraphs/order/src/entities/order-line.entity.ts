import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One product of an order, at the catalogue price it had at checkout. */
export const OrderLineSchema = defineEntity({
  name: 'OrderLine',
  tableName: 'order_lines',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    /** A product of the product subgraph; the router resolves the rest of it. */
    productId: p.uuid(),
    quantity: p.integer(),
    unitPriceMinor: p.bigint('number'),
    currencyCode: p.string().length(3),
    /** Display order: the order of the cart's lines. */
    position: p.integer(),
  },
});

export type OrderLine = InferEntity<typeof OrderLineSchema>;
