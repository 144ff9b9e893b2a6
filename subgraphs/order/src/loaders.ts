import DataLoader from 'dataloader';
import type { EntityManager } from '@emporium/db';
import { OrderLineSchema, type OrderLine } from './entities/order-line.entity.ts';
import { OrderStatusChangeSchema, type OrderStatusChange } from './entities/order-status-change.entity.ts';
import { OrderSchema, type Order } from './entities/order.entity.ts';

const groupBy = <T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] => {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
};

/** Per-request batching: a page of orders costs one query for all their lines and one for all their histories. */
export function createLoaders(em: EntityManager) {
  return {
    orderById: new DataLoader<string, Order | null>(async (ids) => {
      const orders = await em.find(OrderSchema, { id: { $in: [...ids] } });
      const byId = new Map(orders.map((order) => [order.id, order]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    linesByOrder: new DataLoader<string, OrderLine[]>(async (orderIds) =>
      groupBy(
        orderIds,
        await em.find(OrderLineSchema, { orderId: { $in: [...orderIds] } }, { orderBy: { position: 'asc' } }),
        (line) => line.orderId,
      ),
    ),
    historyByOrder: new DataLoader<string, OrderStatusChange[]>(async (orderIds) =>
      groupBy(
        orderIds,
        await em.find(OrderStatusChangeSchema, { orderId: { $in: [...orderIds] } }, { orderBy: { sequence: 'asc' } }),
        (change) => change.orderId,
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
