import { pruneEventTables, type EntityManager, type MikroORM } from '@emporium/db';
import type { Logger } from '@emporium/logging';
import { EXPIRED_REASON, type OrderStatus } from '../services/order-status.ts';
import { transition } from '../services/order-transition.ts';

/** Unpaid statuses that hold a reservation, and so can lapse. */
const EXPIRABLE: readonly OrderStatus[] = ['AWAITING_PAYMENT', 'PAYMENT_FAILED'];
const BATCH_SIZE = 100;
/** Outbox rows are an audit trail once published; applied ids must outlive any redelivery. */
const EVENT_RETENTION_DAYS = 7;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

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

/** A running sweeper. */
export interface ExpirySweeper {
  /** Finishes the sweep in hand, then stops. */
  stop(): Promise<void>;
}

/**
 * Sweeps every `intervalMs` (batch after batch while batches come back full), and prunes
 * the outbox and processed ids once an hour. A failed sweep is logged and tried again on
 * the next tick.
 */
export function startExpirySweeper(deps: { orm: MikroORM; logger: Logger; intervalMs: number }): ExpirySweeper {
  const logger = deps.logger.child({ component: 'expiry-sweeper' });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrunedAt = 0;

  const tick = async (): Promise<void> => {
    try {
      let expired: number;
      do {
        expired = await sweepExpiredOrders(deps.orm.em.fork());
        if (expired > 0) logger.info({ expired }, 'expired unpaid orders');
      } while (expired === BATCH_SIZE && !stopped);
      if (Date.now() - lastPrunedAt >= PRUNE_INTERVAL_MS) {
        await pruneEventTables(deps.orm.em.fork(), EVENT_RETENTION_DAYS, ['outbox', 'processed_events']);
        lastPrunedAt = Date.now();
      }
    } catch (error) {
      logger.error({ err: error }, 'expiry sweep failed; retrying on the next tick');
    }
  };

  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, deps.intervalMs);
  };
  running = tick().finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
