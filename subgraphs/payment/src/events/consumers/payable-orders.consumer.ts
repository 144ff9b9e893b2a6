import { IF_CLAIMED, claimEventAndApply, type EventEffect, type MikroORM } from '@emporium/db';
import { endedUnpaid, type DomainEvent } from '@emporium/contracts';
import type { Logger } from '@emporium/logging';
import type { ProviderClient } from '../../services/provider-client.ts';
import { queueOwedRefunds, refundLatePayments } from '../../services/refund.service.ts';

/** The consumer group that keeps payable_orders, and its name in processed_events. */
export const PAYABLE_ORDERS_CONSUMER = 'payment-orders';

/**
 * Keeps the read model of orders from order.events.v1: OrderPlaced inserts the order,
 * OrderStatusChanged updates its status when its sequence is newer than the one applied
 * (so a redelivered or out-of-order change never moves it back). Each event is claimed in
 * the transaction of its effect. When an order ends unpaid (EXPIRED, CANCELLED, REJECTED) while one
 * of its payments was captured after all, that money is queued for refund and refunded at
 * once; a refund the provider cannot take now stays queued for the reconciler's sweep rather
 * than blocking the partition.
 */
export function createPayableOrdersHandler(deps: { orm: MikroORM; provider: ProviderClient; logger: Logger }) {
  const logger = deps.logger.child({ component: PAYABLE_ORDERS_CONSUMER });
  return async (event: DomainEvent): Promise<void> => {
    const em = deps.orm.em.fork();
    const effect = payableOrderEffect(event);
    if (!effect) return;
    const applied = await claimEventAndApply(em, PAYABLE_ORDERS_CONSUMER, event.id, effect);
    if (applied) {
      logger.debug({ eventId: event.id, type: event.type, orderId: event.aggregateId }, 'order event applied');
    }
    if (event.type === 'OrderStatusChanged' && endedUnpaid(event.payload.status)) {
      // Also on a redelivery: a crash after the update and before this would otherwise leave
      // a refund owed and never queued. A failure here retries the event. What an earlier
      // attempt queued, the sweep refunds.
      const queued = await queueOwedRefunds(em, { orderId: event.payload.orderId });
      if (queued === 0) return;
      try {
        await refundLatePayments(em, deps.provider, logger, event.payload.orderId);
      } catch (error) {
        logger.error({ err: error, orderId: event.payload.orderId }, 'refund failed; it stays queued for the sweep');
      }
    }
  };
}

/** What an order event changes in payable_orders, guarded by its claim; nothing for other events. */
function payableOrderEffect(event: DomainEvent): EventEffect | undefined {
  if (event.type === 'OrderPlaced') {
    const { orderId, userId, total, reservationExpiresAt } = event.payload;
    return {
      sql: `insert into payable_orders
              (order_id, user_id, total_minor, currency_code, status, status_sequence, reservation_expires_at)
            select ?::uuid, ?::uuid, ?::bigint, ?, 'PENDING', 0, ?::timestamptz where ${IF_CLAIMED}
            on conflict (order_id) do nothing`,
      params: [orderId, userId, total.amountMinor, total.currencyCode, new Date(reservationExpiresAt)],
    };
  }
  if (event.type === 'OrderStatusChanged') {
    const { orderId, status, sequence } = event.payload;
    return {
      sql: `update payable_orders set status = ?, status_sequence = ?
            where order_id = ? and status_sequence < ? and ${IF_CLAIMED}`,
      params: [status, sequence, orderId, sequence],
    };
  }
  return undefined;
}
