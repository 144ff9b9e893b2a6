import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { OrderStatus } from '@emporium/contracts';

/**
 * A shopper's order. Its lines are priced once, at checkout, and never change; its status
 * moves only through `transition` (services/order-transition.ts), which numbers every change
 * in `statusSequence` and records it in the history. Rows are written with SQL in the
 * checkout and transition transactions; the entity serves reads.
 */
export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: p.uuid().primary(),
    /** A user of the identity subgraph; no foreign key crosses services. */
    userId: p.uuid(),
    status: p.string().$type<OrderStatus>(),
    idempotencyKey: p.string().length(128),
    /** Hash of what was bought (services/cart-fingerprint.ts): tells a retry from a reused key. */
    cartFingerprint: p.string().length(64),
    /** Which state of the cart the order took (see cartClaim); null for orders placed before it was kept. */
    cartClaim: p.string().length(64).nullable(),
    totalMinor: p.bigint('number'),
    currencyCode: p.string().length(3),
    /** When the stock reservation of an unpaid order lapses; the worker then expires it. */
    reservationExpiresAt: p.datetime(),
    /** The sequence of the latest status change (1 for PENDING). */
    statusSequence: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Order = InferEntity<typeof OrderSchema>;
