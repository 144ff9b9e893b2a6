import type { EntityManager } from '@emporium/db';
import { appendToOutbox } from '@emporium/db';
import { allowedFrom, type OrderStatus } from './order-status.ts';

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
  return em.transactional(async (tx) => {
    // The lock makes the status read here the one the update replaces, for the event's previousStatus.
    const [current] = await tx.execute<{ status: OrderStatus }[]>('select status from orders where id = ? for update', [
      orderId,
    ]);
    if (!current || !from.includes(current.status)) return null;
    const [updated] = await tx.execute<{ user_id: string; status_sequence: number; updated_at: Date | string }[]>(
      `update orders set status = ?, status_sequence = status_sequence + 1, updated_at = now()
       where id = ? and status in (?) returning user_id, status_sequence, updated_at`,
      [to, orderId, from],
    );
    if (!updated) return null;
    const change: StatusChange = {
      orderId,
      userId: updated.user_id,
      sequence: updated.status_sequence,
      status: to,
      previousStatus: current.status,
      reason,
      at: new Date(updated.updated_at),
    };
    await tx.execute(
      'insert into order_status_history (order_id, sequence, status, reason, at) values (?, ?, ?, ?, ?)',
      [orderId, change.sequence, to, reason, change.at],
    );
    await appendToOutbox(tx, {
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
    });
    return change;
  });
}
