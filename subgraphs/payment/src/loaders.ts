import DataLoader from 'dataloader';
import type { EntityManager } from '@emporium/db';
import { PaymentSchema, type Payment } from './entities/payment.entity.ts';

/** Per-request batching: the payments of a page of orders cost one query. */
export function createLoaders(em: EntityManager) {
  return {
    /** Each order's latest payment attempt, or null. */
    latestPaymentByOrder: new DataLoader<string, Payment | null>(async (orderIds) => {
      const payments = await em.find(
        PaymentSchema,
        { orderId: { $in: [...orderIds] } },
        { orderBy: { createdAt: 'desc', id: 'desc' } },
      );
      const latest = new Map<string, Payment>();
      for (const payment of payments) if (!latest.has(payment.orderId)) latest.set(payment.orderId, payment);
      return orderIds.map((id) => latest.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
