import { randomUUID } from 'node:crypto';
import type { Caller } from '@emporium/auth';
import type { EntityManager, NotificationWatch } from '@emporium/db';
import { isPayable, type OrderStatus } from '@emporium/contracts';
import { badUserInput, isUuid, requireCaller, userError, type UserError } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import type { PaymentRequest } from '../request.ts';
import type { PayableOrder } from '../entities/payable-order.entity.ts';
import { PayableOrderSchema } from '../entities/payable-order.entity.ts';
import { PaymentSchema, type Payment, type PaymentType } from '../entities/payment.entity.ts';
import { applyIntent } from './outcome.service.ts';
import type { PaymentMethod, ProviderClient } from './provider-client.ts';
import { requestFingerprint } from './request-fingerprint.ts';
import type { OrderReference } from './payment-view.ts';

/** payOrder's answer. */
export interface PayOrderPayload {
  payment: Payment | null;
  order: OrderReference | null;
  userErrors: UserError[];
}

export interface PayOrderInput {
  orderId: string;
  idempotencyKey: string;
  paymentType: PaymentType;
  paymentMode: 'ONLINE';
  paymentMethodToken?: string | null;
  upiVpa?: string | null;
}

/** Options of {@link PaymentService}. */
export interface PaymentServiceOptions {
  provider: ProviderClient;
  logger: Logger;
  /**
   * Fires when the order read model changes (migration 20261220100000). Without it payOrder
   * answers from the read model as it stands.
   */
  readModel?: NotificationWatch;
  /**
   * How long payOrder waits for the order read model to catch up with an order it does
   * not know yet, or still sees as PENDING: the shopper learns of AWAITING_PAYMENT from
   * the order service a moment before its event reaches this service.
   */
  readModelWaitMs?: number;
}

/** The NOTIFY channel every committed change of the order read model fires. */
export const PAYABLE_ORDERS_CHANNEL = 'payable_orders';

/** 1 to 128 characters, none of them control or unassigned characters. */
const IDEMPOTENCY_KEY = /^\P{C}{1,128}$/u;
const MAX_METHOD_LENGTH = 255;
/** Provider refusals the shopper can fix with another card, token or VPA. */
const METHOD_INVALID_CODES = new Set(['invalid_token', 'token_already_used', 'invalid_vpa']);
/** The failure reason of a payment the provider never took. */
export const PROVIDER_UNAVAILABLE_REASON = 'provider_unavailable';

const orderRef = (orderId: string): OrderReference => ({ id: orderId });

/**
 * payOrder: records a PROCESSING payment, then submits it to the provider (Idempotency-Key
 * = the payment's id, so any retry of the call reuses one intent), and publishes
 * PaymentSubmitted once the provider took it; the order saga then moves the order to
 * PAYMENT_PROCESSING. The shopper's idempotency key makes a retried payOrder return the
 * payment it already made instead of charging again.
 */
export class PaymentService {
  readonly #provider: ProviderClient;
  readonly #logger: Logger;
  readonly #readModel: NotificationWatch | null;
  readonly #readModelWaitMs: number;

  constructor(options: PaymentServiceOptions) {
    this.#provider = options.provider;
    this.#logger = options.logger.child({ component: 'payment-service' });
    this.#readModel = options.readModel ?? null;
    this.#readModelWaitMs = options.readModelWaitMs ?? 3000;
  }

  async pay(ctx: PaymentRequest, input: PayOrderInput): Promise<PayOrderPayload> {
    const caller = requireCaller(ctx.caller);
    const key = input.idempotencyKey;
    if (!IDEMPOTENCY_KEY.test(key)) throw badUserInput('idempotencyKey must be 1 to 128 printable characters');
    const method = readMethod(input);
    if ('code' in method) return { payment: null, order: null, userErrors: [method] };
    const fingerprint = requestFingerprint(input);

    const existing = await findByKey(ctx.em, caller.userId, key);
    if (existing) return this.replay(ctx, caller, existing, fingerprint, method);

    const notFound: PayOrderPayload = {
      payment: null,
      order: null,
      userErrors: [userError('ORDER_NOT_FOUND', 'You have no order with this id', ['input', 'orderId'])],
    };
    if (!isUuid(input.orderId)) return notFound;
    const order = await this.readOrder(ctx.em, input.orderId.toLowerCase(), caller);
    if (!order) return notFound;
    // The order worker expires lapsed reservations within seconds; the clock says so first.
    if (reservationLapsed(order)) return notPayable(order.orderId);

    const reserved = await reservePayment(ctx.em, {
      id: randomUUID(),
      order,
      userId: caller.userId,
      key,
      fingerprint,
      paymentType: input.paymentType,
    });
    if (reserved === 'not_payable') return notPayable(order.orderId);
    if (reserved === 'key_taken') {
      // A concurrent payOrder with the same key got there first: answer as a retry would be.
      const raced = await findByKey(ctx.em, caller.userId, key);
      if (!raced) throw new Error('the idempotency key conflicted, yet no payment holds it');
      return this.replay(ctx, caller, raced, fingerprint, method);
    }
    return this.submit(ctx, reserved, method);
  }

  /** The order's latest payment, for its owner and ADMIN; null for anyone else. */
  async latestFor(ctx: PaymentRequest, orderId: string): Promise<Payment | null> {
    if (!ctx.caller || !isUuid(orderId)) return null;
    const payment = await ctx.loaders.latestPaymentByOrder.load(orderId.toLowerCase());
    if (!payment) return null;
    return payment.userId === ctx.caller.userId || ctx.caller.roles.includes('ADMIN') ? payment : null;
  }

  /**
   * The same key again. A different request under it is refused; the same request gets
   * the same answer, except that a payment the provider never took (it was unavailable)
   * is submitted again under its own id, which the provider deduplicates.
   */
  private async replay(
    ctx: PaymentRequest,
    caller: Caller,
    existing: Payment,
    fingerprint: string,
    method: PaymentMethod,
  ): Promise<PayOrderPayload> {
    if (existing.requestFingerprint !== fingerprint) {
      return {
        payment: null,
        order: null,
        userErrors: [
          userError(
            'IDEMPOTENCY_KEY_REUSED',
            'This idempotency key was already used for a different payment; use a new key for a new payment',
            ['input', 'idempotencyKey'],
          ),
        ],
      };
    }
    if (existing.status !== 'SUBMIT_FAILED') return answer(existing);
    const order = await this.readOrder(ctx.em, existing.orderId, caller);
    if (!order) throw new Error('a payment exists for an order missing from the read model');
    if (reservationLapsed(order)) return notPayable(existing.orderId);
    const retried = await retryReservation(ctx.em, existing.id, order);
    if (!retried) return notPayable(existing.orderId);
    return this.submit(ctx, retried, method);
  }

  private async submit(ctx: PaymentRequest, payment: Payment, method: PaymentMethod): Promise<PayOrderPayload> {
    const result = await this.#provider.createIntent(payment.id, {
      amountMinor: payment.amountMinor,
      currencyCode: payment.currencyCode,
      method,
      metadata: { orderId: payment.orderId, paymentId: payment.id },
    });
    const log = { requestId: ctx.requestId, paymentId: payment.id, orderId: payment.orderId };
    if (result.kind === 'ok') {
      await applyIntent(ctx.em, result.value, this.#logger, payment.id);
      this.#logger.info({ ...log, intentId: result.value.id }, 'payment submitted');
    } else if (result.kind === 'rejected' && METHOD_INVALID_CODES.has(result.code)) {
      await markUnsubmitted(ctx.em, payment.id, 'FAILED', result.code);
    } else {
      if (result.kind === 'rejected') {
        // Not something the shopper can fix (a key, an amount or a request of ours the provider refused).
        this.#logger.error({ ...log, status: result.status, code: result.code }, 'the provider refused a payment');
      } else {
        this.#logger.warn({ ...log, reason: result.reason }, 'the provider is unavailable; payment not submitted');
      }
      await markUnsubmitted(ctx.em, payment.id, 'SUBMIT_FAILED', PROVIDER_UNAVAILABLE_REASON);
    }
    return answer(await ctx.em.findOneOrFail(PaymentSchema, { id: payment.id }, { refresh: true }));
  }

  /**
   * The caller's order from the read model. While it is unknown or still PENDING there (its
   * events may be a moment behind the order service), the call waits, bounded, for the read
   * model's next committed change rather than polling, and answers as soon as the event that
   * settles it has been applied. Someone else's order is null, exactly like a missing one,
   * so ids reveal nothing.
   */
  private async readOrder(em: EntityManager, orderId: string, caller: Caller): Promise<PayableOrder | null> {
    const read = () => em.findOne(PayableOrderSchema, { orderId }, { refresh: true });
    const settled = (found: PayableOrder | null): boolean =>
      found !== null && (found.userId !== caller.userId || found.status !== 'PENDING');
    let order = await read();
    if (!settled(order) && this.#readModel) {
      await this.#readModel.until(async () => settled(await read()), this.#readModelWaitMs);
      order = await read();
    }
    return order && order.userId !== caller.userId ? null : order;
  }
}

function readMethod(input: PayOrderInput): PaymentMethod | UserError {
  const token = input.paymentMethodToken ?? null;
  const vpa = input.upiVpa ?? null;
  if (input.paymentType === 'CARD') {
    if (vpa !== null) return methodInvalid('A card payment takes paymentMethodToken, not upiVpa', 'upiVpa');
    if (token === null || token.trim() === '' || token.length > MAX_METHOD_LENGTH) {
      return methodInvalid('A card payment needs the token the provider returned for the card', 'paymentMethodToken');
    }
    return { type: 'card', token };
  }
  if (token !== null) return methodInvalid('A UPI payment takes upiVpa, not paymentMethodToken', 'paymentMethodToken');
  if (vpa === null || vpa.trim() === '' || vpa.length > MAX_METHOD_LENGTH) {
    return methodInvalid('A UPI payment needs a virtual payment address, e.g. name@bank', 'upiVpa');
  }
  return { type: 'upi', vpa: vpa.trim() };
}

const methodInvalid = (message: string, field: string): UserError =>
  userError('PAYMENT_METHOD_INVALID', message, ['input', field]);

const reservationLapsed = (order: PayableOrder): boolean =>
  order.reservationExpiresAt != null && order.reservationExpiresAt.getTime() <= Date.now();

const notPayable = (orderId: string): PayOrderPayload => ({
  payment: null,
  order: orderRef(orderId),
  userErrors: [
    userError(
      'ORDER_NOT_PAYABLE',
      'This order cannot be paid now: it is not awaiting payment, or a payment is already under way',
      ['input', 'orderId'],
    ),
  ],
});

/** The payload a payment's current state answers, the first time and on every retry. */
function answer(payment: Payment): PayOrderPayload {
  const userErrors: UserError[] = [];
  if (payment.status === 'SUBMIT_FAILED') {
    userErrors.push(
      userError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        'The payment provider is unavailable; nothing was charged. Try again shortly.',
        null,
      ),
    );
  } else if (payment.status === 'FAILED' && METHOD_INVALID_CODES.has(payment.failureReason ?? '')) {
    const field = payment.paymentType === 'CARD' ? 'paymentMethodToken' : 'upiVpa';
    const message =
      payment.paymentType === 'CARD'
        ? 'The card token is unknown or was already used; tokenize the card again'
        : 'The UPI address is not valid';
    userErrors.push(methodInvalid(message, field));
  }
  return { payment, order: orderRef(payment.orderId), userErrors };
}

const findByKey = (em: EntityManager, userId: string, key: string): Promise<Payment | null> =>
  em.findOne(PaymentSchema, { userId, idempotencyKey: key }, { refresh: true });

/**
 * Locks the order's read-model row: payOrder and every outcome take this lock first, so a
 * payment cannot start or succeed between another payOrder's checks and its insert.
 */
async function lockOrder(tx: EntityManager, orderId: string): Promise<OrderStatus | null> {
  const [row] = await tx.execute<{ status: OrderStatus }[]>(
    'select status from payable_orders where order_id = ? for update',
    [orderId],
  );
  return row?.status ?? null;
}

/**
 * Whether the locked order can take a new payment. The read model may lag the order
 * service: a decline already recorded here makes PAYMENT_PROCESSING payable, and a payment
 * under way or captured makes any status unpayable.
 */
async function canTakePayment(tx: EntityManager, orderId: string, status: OrderStatus | null): Promise<boolean> {
  if (status === null) return false;
  const payments = await tx.execute<{ status: string }[]>(
    `select status from payments where order_id = ? and status <> 'SUBMIT_FAILED' order by created_at desc, id desc`,
    [orderId],
  );
  if (payments.some((payment) => ['PROCESSING', 'SUCCEEDED', 'REFUNDED'].includes(payment.status))) return false;
  if (isPayable(status)) return true;
  return status === 'PAYMENT_PROCESSING' && payments[0]?.status === 'FAILED';
}

/** Inserts the PROCESSING payment if the key is free and the order can take one. */
async function reservePayment(
  em: EntityManager,
  draft: {
    id: string;
    order: PayableOrder;
    userId: string;
    key: string;
    fingerprint: string;
    paymentType: PaymentType;
  },
): Promise<Payment | 'not_payable' | 'key_taken'> {
  const outcome = await em.transactional(async (tx) => {
    const status = await lockOrder(tx, draft.order.orderId);
    // Checked after the lock: a concurrent payOrder with the same key has committed by now.
    if (await findByKey(tx, draft.userId, draft.key)) return 'key_taken' as const;
    if (!(await canTakePayment(tx, draft.order.orderId, status))) return 'not_payable' as const;
    const inserted = await tx.execute<{ id: string }[]>(
      `insert into payments (id, order_id, user_id, idempotency_key, request_fingerprint, payment_type,
         amount_minor, currency_code, status, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'PROCESSING', clock_timestamp(), clock_timestamp())
       on conflict do nothing returning id`,
      [
        draft.id,
        draft.order.orderId,
        draft.userId,
        draft.key,
        draft.fingerprint,
        draft.paymentType,
        draft.order.totalMinor,
        draft.order.currencyCode,
      ],
    );
    return inserted.length > 0 ? ('created' as const) : ('key_taken' as const);
  });
  if (outcome !== 'created') return outcome;
  return em.findOneOrFail(PaymentSchema, { id: draft.id }, { refresh: true });
}

/** A payment the provider never took goes back to PROCESSING for another submission, if the order allows. */
async function retryReservation(em: EntityManager, paymentId: string, order: PayableOrder): Promise<Payment | null> {
  const retried = await em.transactional(async (tx) => {
    if (!(await canTakePayment(tx, order.orderId, await lockOrder(tx, order.orderId)))) return false;
    const updated = await tx.execute<{ id: string }[]>(
      `update payments set status = 'PROCESSING', failure_reason = null, updated_at = clock_timestamp()
       where id = ? and status = 'SUBMIT_FAILED' returning id`,
      [paymentId],
    );
    return updated.length > 0;
  });
  return retried ? em.findOneOrFail(PaymentSchema, { id: paymentId }, { refresh: true }) : null;
}

/** The provider did not take the payment: nothing was charged and no event is published. */
async function markUnsubmitted(
  em: EntityManager,
  paymentId: string,
  status: 'FAILED' | 'SUBMIT_FAILED',
  reason: string,
): Promise<void> {
  await em.execute(
    `update payments set status = ?, failure_reason = ?, updated_at = clock_timestamp()
     where id = ? and status = 'PROCESSING' and provider_intent_id is null`,
    [status, reason, paymentId],
  );
}
