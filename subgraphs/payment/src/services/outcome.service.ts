import { appendToOutbox, type EntityManager } from '@emporium/db';
import type { Logger } from '@emporium/logging';
import { isUuid } from '@emporium/graphql-server';
import type { PaymentStatus } from '../entities/payment.entity.ts';
import type { ProviderIntent } from './provider-client.ts';
import { queueOwedRefunds } from './refund.service.ts';

/** A payment row as the outcome needs it, read under lock. */
interface LockedPayment {
  id: string;
  order_id: string;
  status: PaymentStatus;
  provider_intent_id: string | null;
  amount_minor: string | number;
  currency_code: string;
}

/** What applying an intent changed. */
export type OutcomeResult = 'submitted' | 'succeeded' | 'failed' | 'unchanged' | 'unknown_payment';

/**
 * The payment an intent belongs to: by its intent id, or, when the intent id is not
 * recorded yet (the webhook beat payOrder's own bookkeeping, or the call timed out on our
 * side after the provider took it), by the payment id payOrder put in its metadata.
 */
async function findPaymentId(em: EntityManager, intent: ProviderIntent): Promise<string | null> {
  const metadataId = intent.metadata?.['paymentId'];
  const paymentId = typeof metadataId === 'string' && isUuid(metadataId) ? metadataId.toLowerCase() : null;
  // One statement, so one snapshot: two lookups in turn could miss a payment whose intent id
  // payOrder commits between them (seen under load: the webhook then waited for reconciliation).
  const [found] = await em.execute<{ id: string }[]>(
    paymentId === null
      ? 'select id from payments where provider_intent_id = ?'
      : 'select id from payments where provider_intent_id = ? or (id = ? and provider_intent_id is null) limit 1',
    paymentId === null ? [intent.id] : [intent.id, paymentId],
  );
  return found?.id ?? null;
}

/**
 * Applies what the provider says about an intent (a webhook, a reconciliation lookup, or
 * payOrder's own answer) to its payment, in the caller's transaction, with the events the
 * order saga needs. Only a payment still waiting moves: PROCESSING (or SUBMIT_FAILED, when
 * the provider did take a call we gave up on) to SUCCEEDED with PaymentSucceeded, or to
 * FAILED with PaymentFailed. Whichever of webhook and reconciliation comes first wins; the
 * other finds the payment settled and changes nothing. The order's read-model row is
 * locked first, as payOrder does, so a new payment and an outcome never interleave.
 */
export async function applyIntent(
  em: EntityManager,
  intent: ProviderIntent,
  logger: Logger,
  knownPaymentId?: string,
): Promise<OutcomeResult> {
  return em.transactional(async (tx) => {
    const paymentId = knownPaymentId ?? (await findPaymentId(tx, intent));
    if (!paymentId) {
      logger.warn({ intentId: intent.id, status: intent.status }, 'no payment for this provider intent');
      return 'unknown_payment';
    }
    const [order] = await tx.execute<{ order_id: string }[]>('select order_id from payments where id = ?', [paymentId]);
    if (!order) return 'unknown_payment';
    await tx.execute('select 1 from payable_orders where order_id = ? for update', [order.order_id]);
    const [payment] = await tx.execute<LockedPayment[]>(
      `select id, order_id, status, provider_intent_id, amount_minor, currency_code
       from payments where id = ? for update`,
      [paymentId],
    );
    if (!payment) return 'unknown_payment';
    if (payment.provider_intent_id !== null && payment.provider_intent_id !== intent.id) {
      logger.error(
        { paymentId, intentId: intent.id, recorded: payment.provider_intent_id },
        'provider intent does not match the payment; ignored',
      );
      return 'unchanged';
    }
    return settle(tx, payment, intent);
  });
}

async function settle(tx: EntityManager, payment: LockedPayment, intent: ProviderIntent): Promise<OutcomeResult> {
  const at = new Date().toISOString();
  const amount = { amountMinor: Number(payment.amount_minor), currencyCode: payment.currency_code };
  const base = { orderId: payment.order_id, paymentId: payment.id };
  const submitted = () =>
    appendToOutbox(tx, { type: 'PaymentSubmitted', aggregateId: payment.order_id, payload: { ...base, amount, at } });
  const waiting = payment.status === 'PROCESSING' || payment.status === 'SUBMIT_FAILED';
  if (!waiting) return 'unchanged';
  // The order moves to PAYMENT_PROCESSING only on PaymentSubmitted, and to PAID or
  // PAYMENT_FAILED only from there: a payment whose submission was never published
  // publishes it first, in the same transaction, so the saga sees them in order.
  const needsSubmitted = payment.status === 'SUBMIT_FAILED' || payment.provider_intent_id === null;

  if (intent.status === 'processing') {
    if (payment.status !== 'PROCESSING' || payment.provider_intent_id !== null) return 'unchanged';
    await tx.execute('update payments set provider_intent_id = ?, updated_at = clock_timestamp() where id = ?', [
      intent.id,
      payment.id,
    ]);
    await submitted();
    return 'submitted';
  }

  if (intent.status === 'succeeded') {
    await tx.execute(
      `update payments set status = 'SUCCEEDED', provider_intent_id = ?, failure_reason = null,
         updated_at = clock_timestamp() where id = ?`,
      [intent.id, payment.id],
    );
    // A capture for an order that ended unpaid, or a second one, is owed back (refund.service.ts).
    await queueOwedRefunds(tx, { paymentId: payment.id });
    if (needsSubmitted) await submitted();
    await appendToOutbox(tx, {
      type: 'PaymentSucceeded',
      aggregateId: payment.order_id,
      payload: { ...base, amount, at },
    });
    return 'succeeded';
  }

  const reason = intent.failure_code ?? 'payment_failed';
  await tx.execute(
    `update payments set status = 'FAILED', provider_intent_id = ?, failure_reason = ?,
       updated_at = clock_timestamp() where id = ?`,
    [intent.id, reason, payment.id],
  );
  // A submission that failed on our side never moved the order: its decline moves nothing either.
  if (payment.status === 'PROCESSING') {
    if (needsSubmitted) await submitted();
    await appendToOutbox(tx, {
      type: 'PaymentFailed',
      aggregateId: payment.order_id,
      payload: { ...base, reason, at },
    });
  }
  return 'failed';
}
