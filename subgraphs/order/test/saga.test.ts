import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePayload, type DomainEvent, type OrderStatusChanged } from '@emporium/contracts';
import { ORDER_SAGA_CONSUMER, createOrderSagaHandler } from '../src/events/consumers/order-saga.consumer.ts';
import { sweepExpiredOrders } from '../src/jobs/order-expiry.job.ts';
import {
  contextFor,
  createTestDatabase,
  line,
  shopper,
  silent,
  startCartStub,
  type CartStub,
  type TestDatabase,
} from './support.ts';

/**
 * The worker's side of the saga on a scratch database: inventory and payment events, as the
 * consumer hands them over, move orders through the lifecycle; the sweeper expires lapsed ones.
 */
let db: TestDatabase;
let cart: CartStub;
let handle: (event: DomainEvent) => Promise<void>;

beforeAll(async () => {
  db = await createTestDatabase();
  cart = await startCartStub();
  handle = createOrderSagaHandler({ orm: db.orm, logger: silent });
});

afterAll(async () => {
  await cart.close();
  await db.close();
});

async function placeOrder(): Promise<string> {
  const user = randomUUID();
  cart.carts.set(user, [line(randomUUID(), 2, 1500)]);
  const ctx = contextFor(db.orm, cart.url, shopper(user));
  const payload = await ctx.checkout.checkout(ctx, { idempotencyKey: randomUUID() });
  if (!payload.order) throw new Error(`checkout failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.order.id;
}

const now = (): string => new Date().toISOString();
const event = <E extends DomainEvent>(type: E['type'], payload: E['payload']): DomainEvent =>
  ({ id: randomUUID(), type, aggregateId: (payload as { orderId: string }).orderId, payload }) as DomainEvent;

const stockReserved = (orderId: string) =>
  event('StockReserved', { orderId, lines: [{ productId: randomUUID(), quantity: 2 }], reservedAt: now() });
const paymentSubmitted = (orderId: string) =>
  event('PaymentSubmitted', {
    orderId,
    paymentId: randomUUID(),
    amount: { amountMinor: 3000, currencyCode: 'USD' },
    at: now(),
  });
const paymentSucceeded = (orderId: string) =>
  event('PaymentSucceeded', {
    orderId,
    paymentId: randomUUID(),
    amount: { amountMinor: 3000, currencyCode: 'USD' },
    at: now(),
  });
const paymentFailed = (orderId: string, reason: string) =>
  event('PaymentFailed', { orderId, paymentId: randomUUID(), reason, at: now() });

async function state(orderId: string) {
  const em = db.orm.em.fork();
  const [order] = await em.execute<{ status: string; status_sequence: number }[]>(
    'select status, status_sequence from orders where id = ?',
    [orderId],
  );
  const history = await em.execute<{ sequence: number; status: string; reason: string | null }[]>(
    'select sequence, status, reason from order_status_history where order_id = ? order by sequence',
    [orderId],
  );
  const events = await em.execute<{ type: string; payload: OrderStatusChanged }[]>(
    `select type, payload from outbox where aggregateid = ? and type = 'OrderStatusChanged'
     order by (payload->>'sequence')::int`,
    [orderId],
  );
  return {
    status: order?.status,
    sequence: order?.status_sequence,
    history,
    changes: events.map((row) => row.payload),
  };
}

const claimed = async (eventId: string): Promise<boolean> => {
  const rows = await db.orm.em
    .fork()
    .execute('select 1 from processed_events where consumer = ? and event_id = ?', [ORDER_SAGA_CONSUMER, eventId]);
  return rows.length === 1;
};

describe('order saga', () => {
  it('moves an order through reservation, a declined payment, and a paid retry', async () => {
    const orderId = await placeOrder();
    await handle(stockReserved(orderId));
    await handle(paymentSubmitted(orderId));
    await handle(paymentFailed(orderId, 'card_declined'));
    await handle(paymentSubmitted(orderId));
    await handle(paymentSucceeded(orderId));

    const { status, sequence, history, changes } = await state(orderId);
    expect(status).toBe('PAID');
    expect(sequence).toBe(6);
    expect(history).toEqual([
      { sequence: 1, status: 'PENDING', reason: null },
      { sequence: 2, status: 'AWAITING_PAYMENT', reason: null },
      { sequence: 3, status: 'PAYMENT_PROCESSING', reason: null },
      { sequence: 4, status: 'PAYMENT_FAILED', reason: 'card_declined' },
      { sequence: 5, status: 'PAYMENT_PROCESSING', reason: null },
      { sequence: 6, status: 'PAID', reason: null },
    ]);
    expect(changes.map((change) => [change.sequence, change.previousStatus, change.status])).toEqual([
      [1, null, 'PENDING'],
      [2, 'PENDING', 'AWAITING_PAYMENT'],
      [3, 'AWAITING_PAYMENT', 'PAYMENT_PROCESSING'],
      [4, 'PAYMENT_PROCESSING', 'PAYMENT_FAILED'],
      [5, 'PAYMENT_FAILED', 'PAYMENT_PROCESSING'],
      [6, 'PAYMENT_PROCESSING', 'PAID'],
    ]);
    for (const change of changes) expect(() => validatePayload('OrderStatusChanged', change)).not.toThrow();
  });

  it('rejects an order whose stock ran short, naming the products', async () => {
    const orderId = await placeOrder();
    const productId = randomUUID();
    await handle(
      event('StockReservationRejected', {
        orderId,
        shortages: [{ productId, requested: 2, available: 1 }],
        rejectedAt: now(),
      }),
    );
    const { status, history } = await state(orderId);
    expect(status).toBe('REJECTED');
    expect(history.at(-1)).toEqual({
      sequence: 2,
      status: 'REJECTED',
      reason: `Insufficient stock for ${productId} (requested 2, available 1)`,
    });
  });

  it('applies a redelivered event once', async () => {
    const orderId = await placeOrder();
    const reserved = stockReserved(orderId);
    await handle(reserved);
    await handle(reserved);
    const { status, sequence, changes } = await state(orderId);
    expect(status).toBe('AWAITING_PAYMENT');
    expect(sequence).toBe(2);
    expect(changes).toHaveLength(2);
  });

  it('claims but ignores an event that arrives before its turn', async () => {
    const orderId = await placeOrder();
    const early = paymentSucceeded(orderId);
    await handle(early);
    expect(await claimed(early.id)).toBe(true);
    expect(await state(orderId)).toMatchObject({ status: 'PENDING', sequence: 1 });

    await handle(stockReserved(orderId));
    expect(await state(orderId)).toMatchObject({ status: 'AWAITING_PAYMENT', sequence: 2 });
  });

  it('claims and ignores inventory follow-ups and events for unknown orders', async () => {
    const orderId = await placeOrder();
    const released = event('StockReleased', { orderId, reason: 'CANCELLED', releasedAt: now() });
    const committed = event('StockCommitted', { orderId, committedAt: now() });
    const unknown = stockReserved(randomUUID());
    for (const each of [released, committed, unknown]) {
      await handle(each);
      expect(await claimed(each.id)).toBe(true);
    }
    expect(await state(orderId)).toMatchObject({ status: 'PENDING', sequence: 1 });
  });
});

describe('refunds', () => {
  const refunded = (orderId: string, amountMinor: number) =>
    event('PaymentRefunded', {
      orderId,
      paymentId: randomUUID(),
      amount: { amountMinor, currencyCode: 'USD' },
      at: now(),
    });

  it('records a refund in the history of an order, which keeps its status, once', async () => {
    const orderId = await placeOrder();
    for (const step of [stockReserved(orderId), paymentSubmitted(orderId), paymentSucceeded(orderId)]) {
      await handle(step);
    }
    const before = await state(orderId);
    expect(before).toMatchObject({ status: 'PAID', sequence: 4 });

    const refund = refunded(orderId, 4999);
    await handle(refund);
    await handle(refund);
    const after = await state(orderId);
    expect(after.status).toBe('PAID');
    expect(after.sequence).toBe(5);
    expect(after.history).toEqual([...before.history, { sequence: 5, status: 'PAID', reason: 'Refunded 49.99 USD' }]);
    // No transition, so no OrderStatusChanged for the stock and payment services to act on again.
    expect(after.changes).toEqual(before.changes);
    expect(await claimed(refund.id)).toBe(true);
  });

  it('claims and ignores a refund of an unknown order', async () => {
    const refund = refunded(randomUUID(), 100);
    await handle(refund);
    expect(await claimed(refund.id)).toBe(true);
  });
});

describe('expiry sweeper', () => {
  it('expires unpaid orders whose reservation lapsed, and nothing else', async () => {
    const lapsed = await placeOrder();
    const failedLapsed = await placeOrder();
    const stillHeld = await placeOrder();
    const pending = await placeOrder();
    const processing = await placeOrder();
    await handle(stockReserved(lapsed));
    await handle(stockReserved(failedLapsed));
    await handle(paymentSubmitted(failedLapsed));
    await handle(paymentFailed(failedLapsed, 'insufficient_funds'));
    await handle(stockReserved(stillHeld));
    await handle(stockReserved(processing));
    await handle(paymentSubmitted(processing));
    await db.orm.em
      .fork()
      .execute(`update orders set reservation_expires_at = now() - interval '1 minute' where id in (?)`, [
        [lapsed, failedLapsed, pending, processing],
      ]);

    const expired = await sweepExpiredOrders(db.orm.em.fork());
    expect(expired).toBeGreaterThanOrEqual(2);

    const lapsedState = await state(lapsed);
    expect(lapsedState.status).toBe('EXPIRED');
    expect(lapsedState.changes.at(-1)).toMatchObject({
      sequence: 3,
      status: 'EXPIRED',
      previousStatus: 'AWAITING_PAYMENT',
      reason: 'Reservation expired',
    });
    expect(await state(failedLapsed)).toMatchObject({ status: 'EXPIRED', sequence: 5 });
    expect(await state(stillHeld)).toMatchObject({ status: 'AWAITING_PAYMENT' });
    expect(await state(pending)).toMatchObject({ status: 'PENDING' });
    expect(await state(processing)).toMatchObject({ status: 'PAYMENT_PROCESSING' });

    // Nothing is left to sweep; a late payment for the expired order changes nothing.
    expect(await sweepExpiredOrders(db.orm.em.fork())).toBe(0);
    await handle(paymentSucceeded(lapsed));
    expect(await state(lapsed)).toMatchObject({ status: 'EXPIRED', sequence: 3 });
  });
});
