import { appendToOutbox, type EntityManager } from '@emporium/db';
import { ENDED_UNPAID_STATUSES } from '@emporium/contracts';
import type { Logger } from '@emporium/logging';
import type { ProviderClient } from './provider-client.ts';

/**
 * Money that must go back: captured payments whose order ended without being paid
 * (EXPIRED, CANCELLED or REJECTED: the success arrived too late), and any capture of an
 * order after its first one (a payment the provider took although we had given up on the
 * call, while another one was paid).
 */
const REFUNDABLE_SQL = `
  select p.id, p.order_id, p.provider_intent_id, p.amount_minor, p.currency_code
  from payments p join payable_orders o on o.order_id = p.order_id
  where p.status = 'SUCCEEDED' and p.provider_intent_id is not null
    and (o.status in (${ENDED_UNPAID_STATUSES.map((status) => `'${status}'`).join(', ')})
      or exists (select 1 from payments q where q.order_id = p.order_id and q.id <> p.id
                 and q.status = 'SUCCEEDED' and (q.updated_at, q.id) < (p.updated_at, p.id)))`;

/**
 * Refunds what {@link REFUNDABLE_SQL} finds, for one order or all of them, each with
 * Idempotency-Key "refund-<payment id>" so a retry never refunds twice, and marks the
 * payment REFUNDED with PaymentRefunded in one transaction (so the order's history records
 * it), once: only the update that finds the payment still SUCCEEDED writes the event. A
 * refund the provider could not take now is left for the next sweep.
 * Returns the ids of the payments refunded.
 */
export async function refundLatePayments(
  em: EntityManager,
  provider: ProviderClient,
  logger: Logger,
  orderId?: string,
): Promise<string[]> {
  const candidates = await em.execute<
    { id: string; order_id: string; provider_intent_id: string; amount_minor: string | number; currency_code: string }[]
  >(
    `${REFUNDABLE_SQL}${orderId ? ' and p.order_id = ?' : ''} order by p.updated_at limit 100`,
    orderId ? [orderId] : [],
  );
  const refunded: string[] = [];
  for (const payment of candidates) {
    const result = await provider.refund(payment.provider_intent_id, `refund-${payment.id}`);
    const log = { paymentId: payment.id, orderId: payment.order_id, intentId: payment.provider_intent_id };
    // Refunded before (by an earlier sweep whose bookkeeping did not commit): the money is back all the same.
    const alreadyRefunded = result.kind === 'rejected' && result.code === 'charge_already_refunded';
    if (result.kind !== 'ok' && !alreadyRefunded) {
      logger.warn({ ...log, result }, 'refund not taken; retrying on the next sweep');
      continue;
    }
    const marked = await em.transactional(async (tx) => {
      const rows = await tx.execute<{ id: string }[]>(
        `update payments set status = 'REFUNDED', updated_at = clock_timestamp()
          where id = ? and status = 'SUCCEEDED' returning id`,
        [payment.id],
      );
      // Another sweep (or the consumer) marked it first, and published the event with it.
      if (rows.length === 0) return false;
      await appendToOutbox(tx, {
        type: 'PaymentRefunded',
        aggregateId: payment.order_id,
        payload: {
          orderId: payment.order_id,
          paymentId: payment.id,
          amount: { amountMinor: Number(payment.amount_minor), currencyCode: payment.currency_code },
          at: new Date().toISOString(),
        },
      });
      return true;
    });
    if (!marked) continue;
    logger.info({ ...log, refundId: result.kind === 'ok' ? result.value.id : null }, 'late payment refunded');
    refunded.push(payment.id);
  }
  return refunded;
}
