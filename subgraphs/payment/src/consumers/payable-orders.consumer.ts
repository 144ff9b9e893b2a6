import { claimEvent, type MikroORM } from '@emporium/db';
import type { DomainEvent } from '@emporium/events';
import type { Logger } from '@emporium/logging';
import type { ProviderClient } from '../services/provider-client.ts';
import { refundLatePayments } from '../services/refund.service.ts';

/** The consumer group that keeps payable_orders, and its name in processed_events. */
export const PAYABLE_ORDERS_CONSUMER = 'payment-orders';

/**
 * Keeps the read model of orders from order.events.v1: OrderPlaced inserts the order,
 * OrderStatusChanged updates its status when its sequence is newer than the one applied
 * (so a redelivered or out-of-order change never moves it back). Each event is claimed in
 * the transaction of its effect. When an order ends unpaid (EXPIRED, CANCELLED) while one
 * of its payments was captured after all, that money is refunded; a refund the provider
 * cannot take now is left to the reconciler's sweep rather than blocking the partition.
 */
export function createPayableOrdersHandler(deps: { orm: MikroORM; provider: ProviderClient; logger: Logger }) {
  const logger = deps.logger.child({ component: PAYABLE_ORDERS_CONSUMER });
  return async (event: DomainEvent): Promise<void> => {
    const em = deps.orm.em.fork();
    const applied = await em.transactional(async (tx) => {
      if (!(await claimEvent(tx, PAYABLE_ORDERS_CONSUMER, event.id))) return false;
      if (event.type === 'OrderPlaced') {
        const { orderId, userId, total, reservationExpiresAt } = event.payload;
        await tx.execute(
          `insert into payable_orders
             (order_id, user_id, total_minor, currency_code, status, status_sequence, reservation_expires_at)
           values (?, ?, ?, ?, 'PENDING', 0, ?) on conflict (order_id) do nothing`,
          [orderId, userId, total.amountMinor, total.currencyCode, new Date(reservationExpiresAt)],
        );
        return true;
      }
      if (event.type === 'OrderStatusChanged') {
        const { orderId, status, sequence } = event.payload;
        await tx.execute(
          'update payable_orders set status = ?, status_sequence = ? where order_id = ? and status_sequence < ?',
          [status, sequence, orderId, sequence],
        );
        return true;
      }
      return false;
    });
    if (!applied) return;
    logger.debug({ eventId: event.id, type: event.type, orderId: event.aggregateId }, 'order event applied');
    if (event.type === 'OrderStatusChanged' && ['EXPIRED', 'CANCELLED'].includes(event.payload.status)) {
      try {
        await refundLatePayments(em, deps.provider, logger, event.payload.orderId);
      } catch (error) {
        logger.error({ err: error, orderId: event.payload.orderId }, 'refund check failed; the sweep retries it');
      }
    }
  };
}
