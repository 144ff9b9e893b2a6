import type { EntityManager, MikroORM } from '@emporium/db';
import type { Logger } from '@emporium/logging';

const BATCH_SIZE = 500;

/**
 * Deletes one batch of guest carts that went `ttlDays` without a change (their lines go with
 * them). SKIP LOCKED passes over a cart a request is changing or merging right now, so the
 * job never waits on a shopper, and replicas of the worker sweep side by side; a change that
 * waits on the job's lock finds the cart gone (CART_NOT_FOUND). Returns how many went.
 */
export async function expireGuestCarts(em: EntityManager, ttlDays: number, batchSize = BATCH_SIZE): Promise<number> {
  const deleted = await em.execute<{ id: string }[]>(
    `delete from carts where id in (
       select id from carts where guest and updated_at < now() - make_interval(days => ?)
        order by updated_at limit ? for update skip locked
     ) returning id`,
    [ttlDays, batchSize],
  );
  return deleted.length;
}

/**
 * One sweep: batch after batch while batches come back full, so a backlog clears in one
 * tick; `stopping` ends it early on shutdown. Run it periodically (runPeriodically).
 */
export async function expireAllGuestCarts(
  orm: MikroORM,
  options: { ttlDays: number; logger: Logger; stopping: () => boolean },
): Promise<void> {
  let expired: number;
  do {
    expired = await expireGuestCarts(orm.em.fork(), options.ttlDays);
    if (expired > 0) options.logger.info({ expired }, 'deleted abandoned guest carts');
  } while (expired === BATCH_SIZE && !options.stopping());
}
