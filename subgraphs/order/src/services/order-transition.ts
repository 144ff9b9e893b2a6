import type { EntityManager } from '@emporium/db';
import { IF_CLAIMED, claimCte, claimEvent, outboxInsert } from '@emporium/db';
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

/** A consumer's claim of the event that asks for a transition (see claimEvent in @emporium/db). */
export interface EventClaim {
  consumer: string;
  eventId: string;
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
      const [updated] = await tx.execute<UpdatedRow[]>(updateStatusSql(''), [to, orderId, from]);
      return updated ? recordChange(tx, orderId, to, reason, updated) : null;
    },
    { propagation: 'required' },
  );
}

/**
 * {@link transition} for a consumer: claims the event in the statement of the update, so
 * an event costs one round trip fewer. `claimed` is false when the event was applied before
 * (nothing changed); `change` is null when the transition is not allowed now, the event
 * claimed all the same. Runs in the caller's transaction.
 */
export async function claimAndTransition(
  tx: EntityManager,
  claim: EventClaim,
  orderId: string,
  to: OrderStatus,
  reason: string | null,
): Promise<{ claimed: boolean; change: StatusChange | null }> {
  const from = allowedFrom(to);
  if (from.length === 0) return { claimed: await claimEvent(tx, claim.consumer, claim.eventId), change: null };
  const cte = claimCte(claim.consumer, claim.eventId);
  // Data-modifying CTEs run whether or not they are read: the claim is written either way,
  // and the update only when the claim is new.
  // Without an update (not allowed now) its columns come back null.
  const [row] = await tx.execute<(NullableColumns<UpdatedRow> & { claimed: number })[]>(
    `with ${cte.sql}, updated as (${updateStatusSql(` and ${IF_CLAIMED}`)})
     select (select count(*)::int from claimed) as claimed, updated.*
     from (select 1) as one left join updated on true`,
    [...cte.params, to, orderId, from],
  );
  if (!row || row.claimed === 0) return { claimed: false, change: null };
  const { previous_status, user_id, status_sequence, updated_at } = row;
  if (previous_status === null || user_id === null || status_sequence === null || updated_at === null) {
    return { claimed: true, change: null };
  }
  const updated = { previous_status, user_id, status_sequence, updated_at };
  return { claimed: true, change: await recordChange(tx, orderId, to, reason, updated) };
}

type NullableColumns<T> = { [K in keyof T]: T[K] | null };

/** What the status update returns. */
interface UpdatedRow {
  previous_status: OrderStatus;
  user_id: string;
  status_sequence: number;
  updated_at: Date | string;
}

/**
 * The conditional update, narrowed by `guard`: the subquery locks the row and reads the status
 * the update replaces, for the event's previousStatus, in the same statement. Parameters: to,
 * orderId, from.
 */
const updateStatusSql = (guard: string): string =>
  `update orders set status = ?, status_sequence = orders.status_sequence + 1, updated_at = now()
   from (select id, status from orders where id = ? for update) previous
   where orders.id = previous.id and previous.status in (?)${guard}
   returning previous.status as previous_status, orders.user_id, orders.status_sequence, orders.updated_at`;

/** The change's history row and OrderStatusChanged, after its update, in one statement. */
async function recordChange(
  tx: EntityManager,
  orderId: string,
  to: OrderStatus,
  reason: string | null,
  updated: UpdatedRow,
): Promise<StatusChange> {
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
}
