import { formatMinor } from '@emporium/money';
import type { OrderResolvers } from '../generated/resolvers-types.ts';
import { canTransition, isTerminal } from '@emporium/contracts';

export const Order: OrderResolvers = {
  /** Other subgraphs (payment, the live order feed) reference orders; the same visibility rule applies. */
  __resolveReference: (reference, ctx) => ctx.orders.findVisible(ctx, reference.id),
  total: (order) => formatMinor(order.totalMinor, order.currencyCode),
  lines: (order, _args, ctx) => ctx.loaders.linesByOrder.load(order.id),
  statusHistory: (order, _args, ctx) => ctx.loaders.historyByOrder.load(order.id),
  /** A final order holds no stock, so there is nothing to lapse. */
  reservationExpiresAt: (order) => (isTerminal(order.status) ? null : order.reservationExpiresAt),
  /** Exactly the statuses a lapsed reservation expires, so the countdown shows only when it can run out. */
  reservedUntil: (order) => (canTransition(order.status, 'EXPIRED') ? order.reservationExpiresAt : null),
};
