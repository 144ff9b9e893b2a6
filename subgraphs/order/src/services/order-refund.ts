import type { EntityManager } from '@emporium/db';
import type { EventMoney } from '@emporium/contracts';
import { formatMinor } from '@emporium/money';

/** What a refund adds to an order's history. */
export interface RecordedRefund {
  sequence: number;
  status: string;
  reason: string;
}

/** The history's wording of a refund, e.g. "Refunded 49.99 USD". */
export const refundReason = (amount: EventMoney): string =>
  `Refunded ${formatMinor(amount.amountMinor, amount.currencyCode).amount} ${amount.currencyCode}`;

/**
 * Records money given back in the order's history without moving the order: a row with the
 * order's current (final) status, the next sequence and the refund as its reason, so
 * `statusHistory` (the contract's `{ status at reason }`) shows it and a subscriber resuming
 * from a sequence reads it in order. The status stays as it is, and no OrderStatusChanged is
 * written: that event means a transition, and its consumers (stock commit or release, the
 * payment read model) must not act again on a status they have already seen. Runs in the
 * caller's transaction, where the consumer has claimed the event, so a redelivery records
 * nothing. Returns null for an unknown order.
 */
export async function recordRefund(
  tx: EntityManager,
  orderId: string,
  amount: EventMoney,
): Promise<RecordedRefund | null> {
  const reason = refundReason(amount);
  const [row] = await tx.execute<{ sequence: number; status: string }[]>(
    `with bumped as (
       update orders set status_sequence = status_sequence + 1 where id = ?
       returning id, status, status_sequence
     )
     insert into order_status_history (order_id, sequence, status, reason, at)
     select id, status_sequence, status, ?, now() from bumped
     returning sequence, status`,
    [orderId, reason],
  );
  return row ? { sequence: row.sequence, status: row.status, reason } : null;
}
