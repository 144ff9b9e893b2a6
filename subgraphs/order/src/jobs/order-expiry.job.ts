import type { EntityManager, MikroORM } from '@emporium/db';
import type { Logger } from '@emporium/logging';
import type { OrderStatus } from '@emporium/contracts';
import { EXPIRED_REASON } from '../services/order-status.ts';
import { transition } from '../services/order-transition.ts';

/** Unpaid statuses that hold a reservation, and so can lapse. */
const EXPIRABLE: readonly OrderStatus[] = ['AWAITING_PAYMENT', 'PAYMENT_FAILED'];
const BATCH_SIZE = 100;

/**
 * Expires one batch of unpaid orders whose reservation lapsed, each with its
 * OrderStatusChanged(EXPIRED), after which inventory releases the stock. SKIP LOCKED lets
 * replicas of the worker sweep side by side without taking the same orders. Returns how
 * many orders expired.
 */
export async function sweepExpiredOrders(em: EntityManager, batchSize = BATCH_SIZE): Promise<number> {
  return em.transactional(async (tx) => {
    const due = await tx.execute<{ id: string }[]>(
      `select id from orders where status in (?) and reservation_expires_at < now()
       order by reservation_expires_at limit ? for update skip locked`,
      [EXPIRABLE, batchSize],
    );
    let expired = 0;
    for (const { id } of due) {
      if (await transition(tx, id, 'EXPIRED', EXPIRED_REASON, EXPIRABLE)) expired += 1;
    }
    return expired;
  });
}

/**
 * One sweep: batch after batch while batches come back full, so a backlog clears in one
 * tick; `stopping` ends it early on shutdown. Run it periodically (runPeriodically).
 */
export async function sweepAllExpired(orm: MikroORM, logger: Logger, stopping: () => boolean): Promise<void> {
  let expired: number;
  do {
    expired = await sweepExpiredOrders(orm.em.fork());
    if (expired > 0) logger.info({ expired }, 'expired unpaid orders');
  } while (expired === BATCH_SIZE && !stopping());
}
