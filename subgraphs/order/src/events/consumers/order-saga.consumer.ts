import { claimEvent, type MikroORM } from '@emporium/db';
import type { DomainEvent, OrderStatus } from '@emporium/contracts';
import type { Logger } from '@emporium/logging';
import { recordRefund } from '../../services/order-refund.ts';
import { rejectionReason } from '../../services/order-status.ts';
import { transition } from '../../services/order-transition.ts';

/** The consumer group of the order saga, and its name in processed_events. */
export const ORDER_SAGA_CONSUMER = 'order-saga';

/** The transition an inventory or payment event asks of an order; null for events that ask none. */
export function sagaStep(event: DomainEvent): { orderId: string; to: OrderStatus; reason: string | null } | null {
  switch (event.type) {
    case 'StockReserved':
      return { orderId: event.payload.orderId, to: 'AWAITING_PAYMENT', reason: null };
    case 'StockReservationRejected':
      return { orderId: event.payload.orderId, to: 'REJECTED', reason: rejectionReason(event.payload.shortages) };
    case 'PaymentSubmitted':
      return { orderId: event.payload.orderId, to: 'PAYMENT_PROCESSING', reason: null };
    case 'PaymentSucceeded':
      return { orderId: event.payload.orderId, to: 'PAID', reason: null };
    case 'PaymentFailed':
      return { orderId: event.payload.orderId, to: 'PAYMENT_FAILED', reason: event.payload.reason };
    default:
      // StockReleased and StockCommitted close inventory's side; the order already is final.
      // PaymentRefunded moves no order either: it is recorded in the history (see the handler).
      return null;
  }
}

/**
 * Step 3 of the saga: applies inventory's and payment's events to orders, and records
 * refunds in their history. Each event is claimed in the transaction of its transition
 * (or its refund's history row), so a redelivery changes nothing; an event
 * the lifecycle does not allow now (late, out of order, for an order already final) is
 * claimed all the same and changes nothing, rather than being retried forever.
 */
export function createOrderSagaHandler(deps: { orm: MikroORM; logger: Logger }) {
  const logger = deps.logger.child({ component: ORDER_SAGA_CONSUMER });
  return async (event: DomainEvent): Promise<void> => {
    const em = deps.orm.em.fork();
    await em.transactional(async (tx) => {
      if (!(await claimEvent(tx, ORDER_SAGA_CONSUMER, event.id))) {
        logger.debug({ eventId: event.id, type: event.type }, 'event applied before; skipped');
        return;
      }
      if (event.type === 'PaymentRefunded') {
        const refund = await recordRefund(tx, event.payload.orderId, event.payload.amount);
        logger.info({ eventId: event.id, orderId: event.payload.orderId, ...refund }, 'refund recorded');
        return;
      }
      const step = sagaStep(event);
      if (!step) return;
      const change = await transition(tx, step.orderId, step.to, step.reason);
      if (change) {
        logger.info(
          { eventId: event.id, type: event.type, orderId: step.orderId, status: step.to, sequence: change.sequence },
          'order status changed',
        );
      } else {
        logger.warn(
          { eventId: event.id, type: event.type, orderId: step.orderId, status: step.to },
          'event ignored: the order is unknown or its status does not allow this transition',
        );
      }
    });
  };
}
