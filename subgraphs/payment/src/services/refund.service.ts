import { appendToOutbox, type EntityManager } from '@emporium/db';
import { ENDED_UNPAID_STATUSES } from '@emporium/contracts';
import type { Logger } from '@emporium/logging';
import type { ProviderClient } from './provider-client.ts';

/**
 * Money that must go back: captured payments whose order ended without being paid
 * (EXPIRED, CANCELLED or REJECTED: the success arrived too late), and any capture of an
 * order after its first one (a payment the provider took although we had given up on the
 * call, while another one was paid). `scope` narrows it to one payment or one order.
 */
const owedSql = (scope: 'payment' | 'order'): string => `
  select p.id, p.order_id
  from payments p join payable_orders o on o.order_id = p.order_id
  where ${scope === 'payment' ? 'p.id' : 'p.order_id'} = ?
    and p.status = 'SUCCEEDED' and p.provider_intent_id is not null
    and (o.status in (${ENDED_UNPAID_STATUSES.map((status) => `'${status}'`).join(', ')})
      or exists (select 1 from payments q where q.order_id = p.order_id and q.id <> p.id
                 and q.status = 'SUCCEEDED' and (q.updated_at, q.id) < (p.updated_at, p.id)))`;

/**
 * Queues the refunds a payment's capture or an order's end makes owed (table refunds_due),
 * once; returns how many it queued now. Each of the two events that can make a refund owed calls it after the change that
 * did: the capture inside its transaction, under the order's read-model lock; the order's end
 * right after its update. Each call is a statement of its own, so it sees whatever the other
 * committed first, and whichever of the two comes second finds the refund owed.
 */
export async function queueOwedRefunds(
  em: EntityManager,
  scope: { paymentId: string } | { orderId: string },
): Promise<number> {
  const [kind, id] =
    'paymentId' in scope ? (['payment', scope.paymentId] as const) : (['order', scope.orderId] as const);
  const queued = await em.execute<{ payment_id: string }[]>(
    `insert into refunds_due (payment_id, order_id) ${owedSql(kind)}
     on conflict (payment_id) do nothing returning payment_id`,
    [id],
  );
  return queued.length;
}

/**
 * Refunds the queued refunds (see {@link queueOwedRefunds}), for one order or all of them,
 * oldest first, each with Idempotency-Key "refund-<payment id>" so a retry never refunds
 * twice, and marks the payment REFUNDED with PaymentRefunded and takes it off the queue in
 * one transaction (so the order's history records it), once: only the update that finds the
 * payment still SUCCEEDED writes the event. A refund the provider could not take now stays
 * queued for the next sweep, which reads the queue alone, so its cost follows what is owed,
 * not every payment ever captured. Returns the ids of the payments refunded.
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
    // At most 100 of the queue, oldest first: once payments outgrow a scan, 100 lookups by key.
    `select p.id, p.order_id, p.provider_intent_id, p.amount_minor, p.currency_code
     from (select payment_id, due_since from refunds_due${orderId ? ' where order_id = ?' : ''}
           order by due_since, payment_id limit 100) d
     join payments p on p.id = d.payment_id
     where p.status = 'SUCCEEDED'
     order by d.due_since, d.payment_id`,
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
      await tx.execute('delete from refunds_due where payment_id = ?', [payment.id]);
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
