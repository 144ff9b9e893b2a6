import type { EntityManager } from '@emporium/db';
import { outboxInsert } from '@emporium/db';
import { allowedFrom, isTerminal, type OrderStatus } from '@emporium/contracts';

/** A transition that happened. */
export interface StatusChange {
  orderId: string;
  userId: string;
  sequence: number;
  status: OrderStatus;
  previousStatus: OrderStatus;
  reason: string | null;
  at: Date;
}

/**
 * Moves an order to `to` if the lifecycle allows it from its current status (narrowed to
 * `expectedFrom` when given): a conditional update that numbers the change, its history
 * row and the OrderStatusChanged event, in one transaction (the caller's, when it has
 * one, so a consumer's claimEvent commits with it). Returns null, changing nothing, when
 * the order does not exist or the transition is not allowed, e.g. a late or out-of-order
 * event; the caller decides whether that matters.
 */
export async function transition(
  em: EntityManager,
  orderId: string,
  to: OrderStatus,
  reason: string | null,
  expectedFrom?: readonly OrderStatus[],
): Promise<StatusChange | null> {
  const from = allowedFrom(to, expectedFrom);
  if (from.length === 0) return null;
  // The caller's transaction when it has one (a consumer claims its event in it), else a new one.
  return em.transactional(
    async (tx) => {
      // The subquery locks the row and reads the status the update replaces, for the event's
      // previousStatus, in the same statement.
      const [updated] = await tx.execute<
        { previous_status: OrderStatus; user_id: string; status_sequence: number; updated_at: Date | string }[]
      >(
        `update orders set status = ?, status_sequence = orders.status_sequence + 1, updated_at = now()
         from (select id, status from orders where id = ? for update) previous
         where orders.id = previous.id and previous.status in (?)
         returning previous.status as previous_status, orders.user_id, orders.status_sequence, orders.updated_at`,
        [to, orderId, from],
      );
      if (!updated) return null;
      const change: StatusChange = {
        orderId,
        userId: updated.user_id,
        sequence: updated.status_sequence,
        status: to,
        previousStatus: updated.previous_status,
        reason,
        at: new Date(updated.updated_at),
      };
      const event = outboxInsert([
        {
          type: 'OrderStatusChanged',
          aggregateId: orderId,
          payload: {
            orderId,
            userId: change.userId,
            sequence: change.sequence,
            status: to,
            previousStatus: change.previousStatus,
            reason,
            at: change.at.toISOString(),
          },
        },
      ]);
      // Every final status is entered from an unpaid one, so the order leaves the shopper's
      // unpaid count here; never below zero, so a count that drifted cannot block a transition.
      const settled = isTerminal(to)
        ? `, settled as (
             update unpaid_orders set count = greatest(count - 1, 0) where user_id = ?
           )`
        : '';
      await tx.execute(
        `with history as (
           insert into order_status_history (order_id, sequence, status, reason, at) values (?, ?, ?, ?, ?)
         )${settled}
         ${event.sql}`,
        [orderId, change.sequence, to, reason, change.at, ...(settled ? [change.userId] : []), ...event.params],
      );
      return change;
    },
    { propagation: 'required' },
  );
}
