import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { OrderStatus } from '@emporium/contracts';

/**
 * The order service's orders as payment needs them, kept from order.events.v1 by the
 * worker: who owns each order, its total, and its latest status (by `statusSequence`, so
 * a replayed older change never overwrites a newer one).
 */
export const PayableOrderSchema = defineEntity({
  name: 'PayableOrder',
  tableName: 'payable_orders',
  properties: {
    orderId: p.uuid().primary(),
    userId: p.uuid(),
    totalMinor: p.bigint('number'),
    currencyCode: p.string().length(3),
    status: p.string().$type<OrderStatus>(),
    /** The sequence of the latest OrderStatusChanged applied (0 before the first). */
    statusSequence: p.integer(),
    /** When the order's stock reservation lapses; null for orders placed before it was kept. */
    reservationExpiresAt: p.datetime().nullable(),
  },
});

export type PayableOrder = InferEntity<typeof PayableOrderSchema>;
