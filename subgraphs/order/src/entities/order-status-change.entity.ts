import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { OrderStatus } from '@emporium/contracts';

/** One entry of an order's status history; `sequence` counts 1, 2, 3 … without gaps, like the events. */
export const OrderStatusChangeSchema = defineEntity({
  name: 'OrderStatusChange',
  tableName: 'order_status_history',
  properties: {
    orderId: p.uuid().primary(),
    sequence: p.integer().primary(),
    status: p.string().$type<OrderStatus>(),
    reason: p.text().nullable(),
    at: p.datetime(),
  },
});

export type OrderStatusChange = InferEntity<typeof OrderStatusChangeSchema>;
