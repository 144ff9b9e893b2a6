import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '@emporium/testing';
import { gql, run } from './client.ts';
import {
  addToCart,
  admin,
  checkout,
  inventoryConsumedOrderEvents,
  minor,
  myCart,
  newShopper,
  order,
  orderReaches,
  productOnSale,
  publishPaymentEvent,
  sagaConsumed,
  setStock,
  stockOf,
  type UserError,
} from './shop.ts';

/** Checkout, OrderStatus, MyOrders and the saga behind them, through the router and the real pipeline. */
const CANCEL = `mutation ($input: CancelOrderInput!) {
  cancelOrder(input: $input) { order { id status } userErrors { code field message } }
}`;

const cancel = async (token: string, orderId: string) => {
  const result = await gql<{ cancelOrder: { order: { id: string; status: string } | null; userErrors: UserError[] } }>(
    CANCEL,
    { input: { orderId } },
    { token },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.cancelOrder;
};

const payment = (orderId: string, amountMinor: number) => ({
  orderId,
  paymentId: randomUUID(),
  amount: { amountMinor, currencyCode: 'USD' },
  at: new Date().toISOString(),
});

describe('checkout', () => {
  it('reserves stock, empties the cart, and is paid: PENDING → AWAITING_PAYMENT → PAYMENT_PROCESSING → PAID', async () => {
    const product = await productOnSale('249.50', 5);
    const token = await newShopper();
    const { cart } = await addToCart(token, product.id, 2);
    const subtotal = cart?.subtotal ?? { amount: '', currencyCode: '' };
    expect(subtotal).toEqual({ amount: '499.00', currencyCode: 'USD' });

    const placed = await checkout(token, randomUUID(), subtotal);
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({ status: 'PENDING', total: subtotal });
    const id = placed.order?.id ?? '';

    const awaiting = await orderReaches(token, id, 'AWAITING_PAYMENT');
    expect(awaiting.lines).toEqual([
      {
        quantity: 2,
        unitPrice: { amount: '249.50', currencyCode: 'USD' },
        product: { id: product.id, name: product.name },
      },
    ]);
    expect(awaiting.statusHistory.map((change) => change.status)).toEqual(['PENDING', 'AWAITING_PAYMENT']);
    expect(await stockOf(product.id)).toEqual({ available: 3, onHand: 5, reserved: 2 });
    expect((await myCart(token)).lines).toEqual([]);

    const mine = await run<{ myOrders: { edges: { node: { id: string; status: string } }[] } }>(
      'MyOrders',
      {},
      { token },
    );
    expect(mine.data?.myOrders.edges.map((edge) => edge.node.id)).toEqual([id]);

    await publishPaymentEvent('PaymentSubmitted', payment(id, minor(subtotal)));
    await orderReaches(token, id, 'PAYMENT_PROCESSING');
    const paid = payment(id, minor(subtotal));
    const eventId = await publishPaymentEvent('PaymentSucceeded', paid);
    // A redelivered event (same id) changes nothing.
    await publishPaymentEvent('PaymentSucceeded', paid, eventId);
    const done = await orderReaches(token, id, 'PAID');
    expect(done.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAYMENT_PROCESSING',
      'PAID',
    ]);
    // The reservation is committed: the units left the shelf and are no longer held.
    await eventually(async () => ((await stockOf(product.id)).onHand === 3 ? true : undefined), {
      what: 'stock committed',
    });
    expect(await stockOf(product.id)).toEqual({ available: 3, onHand: 3, reserved: 0 });
  });

  it('lets a declined shopper pay again while the reservation holds', async () => {
    const product = await productOnSale('10.00', 2);
    const token = await newShopper();
    await addToCart(token, product.id, 1);
    const id = (await checkout(token)).order?.id ?? '';
    await orderReaches(token, id, 'AWAITING_PAYMENT');
    const declined = payment(id, 1000);
    await publishPaymentEvent('PaymentSubmitted', declined);
    await publishPaymentEvent('PaymentFailed', {
      orderId: id,
      paymentId: declined.paymentId,
      reason: 'card_declined',
      at: new Date().toISOString(),
    });
    const failed = await orderReaches(token, id, 'PAYMENT_FAILED');
    expect(failed.statusHistory.at(-1)).toMatchObject({ status: 'PAYMENT_FAILED', reason: 'card_declined' });
    const retry = payment(id, 1000);
    await publishPaymentEvent('PaymentSubmitted', retry);
    await publishPaymentEvent('PaymentSucceeded', retry);
    const paid = await orderReaches(token, id, 'PAID');
    expect(paid.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAYMENT_PROCESSING',
      'PAYMENT_FAILED',
      'PAYMENT_PROCESSING',
      'PAID',
    ]);
  });

  it('replays the same idempotency key to the same order, and refuses the key for a different cart', async () => {
    const product = await productOnSale('3.25', 10);
    const token = await newShopper();
    await addToCart(token, product.id, 1);
    const key = randomUUID();
    const first = await checkout(token, key);
    const again = await checkout(token, key);
    expect(again.order?.id).toBe(first.order?.id);
    await orderReaches(token, first.order?.id ?? '', 'AWAITING_PAYMENT');
    expect((await checkout(token, key)).order?.id).toBe(first.order?.id);

    await addToCart(token, product.id, 4);
    const reused = await checkout(token, key);
    expect(reused.order).toBeNull();
    expect(reused.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }),
    ]);
    const mine = await run<{ myOrders: { edges: unknown[] } }>('MyOrders', {}, { token });
    expect(mine.data?.myOrders.edges).toHaveLength(1);
  });

  it('places one order, and reserves once, when the same key arrives several times at once', async () => {
    const product = await productOnSale('12.00', 10);
    const token = await newShopper();
    await addToCart(token, product.id, 2);
    const key = randomUUID();
    // A double click, or a client retrying before the first answer: the requests race to insert.
    const answers = await Promise.all(Array.from({ length: 5 }, () => checkout(token, key)));
    const ids = new Set(answers.map((answer) => answer.order?.id));
    expect(answers.flatMap((answer) => answer.userErrors)).toEqual([]);
    expect(ids.size).toBe(1);

    const placed = await orderReaches(token, [...ids][0] ?? '', 'AWAITING_PAYMENT');
    expect(placed.statusHistory.map((change) => change.status)).toEqual(['PENDING', 'AWAITING_PAYMENT']);
    const mine = await run<{ myOrders: { edges: unknown[] } }>('MyOrders', {}, { token });
    expect(mine.data?.myOrders.edges).toHaveLength(1);
    // The checkouts that lost the race wrote no events: a second OrderPlaced would reserve
    // again, and by now the inventory side has consumed every order event written.
    await inventoryConsumedOrderEvents();
    expect(await stockOf(product.id)).toEqual({ available: 8, onHand: 10, reserved: 2 });
  });

  it('orders a cart once when two tabs check it out at once, each with its own key', async () => {
    const product = await productOnSale('9.00', 10);
    const token = await newShopper('two-tabs');
    await addToCart(token, product.id, 1);
    const answers = await Promise.all([checkout(token, randomUUID()), checkout(token, randomUUID())]);
    const placed = answers.filter((answer) => answer.order !== null);
    expect(placed).toHaveLength(1);
    expect(answers.flatMap((answer) => answer.userErrors.map((error) => error.code))).toEqual(['CART_EMPTY']);

    await orderReaches(token, placed[0]?.order?.id ?? '', 'AWAITING_PAYMENT');
    const mine = await run<{ myOrders: { edges: unknown[] } }>('MyOrders', {}, { token });
    expect(mine.data?.myOrders.edges).toHaveLength(1);
    expect(await stockOf(product.id)).toEqual({ available: 9, onHand: 10, reserved: 1 });
  });

  it('refuses an empty cart and a total the shopper did not see, placing no order', async () => {
    const token = await newShopper();
    expect((await checkout(token)).userErrors.map((error) => error.code)).toEqual(['CART_EMPTY']);

    const product = await productOnSale('100.00', 3);
    const { cart } = await addToCart(token, product.id, 1);
    // The admin reprices after the shopper saw the cart.
    const repriced = await run(
      'UpdateProduct',
      { input: { id: product.id, price: { amount: '120.00', currencyCode: 'USD' } } },
      { token: await admin() },
    );
    expect(repriced.errors).toBeUndefined();
    // The cart shows the new price once the cart service's replica of the catalogue has it.
    await eventually(async () => ((await myCart(token)).subtotal.amount === '120.00' ? true : undefined), {
      what: 'the new price to reach the cart',
    });
    const changed = await checkout(token, randomUUID(), cart?.subtotal);
    expect(changed.order).toBeNull();
    expect(changed.userErrors).toEqual([expect.objectContaining({ code: 'PRICE_CHANGED' })]);
    expect(changed.userErrors[0]?.message).toContain('120.00');
    const mine = await run<{ myOrders: { edges: unknown[] } }>('MyOrders', {}, { token });
    expect(mine.data?.myOrders.edges).toEqual([]);
    expect((await checkout(token, randomUUID(), { amount: '120.00', currencyCode: 'USD' })).order?.total.amount).toBe(
      '120.00',
    );
  });

  it('rejects an order whose stock ran out, naming the product, and keeps the shopper’s cart', async () => {
    const product = await productOnSale('42.00', 2);
    const token = await newShopper();
    await addToCart(token, product.id, 2);
    expect((await setStock(product.id, 1)).userErrors).toEqual([]);
    const id = (await checkout(token)).order?.id ?? '';
    const rejected = await orderReaches(token, id, 'REJECTED');
    expect(rejected.statusHistory.at(-1)?.reason).toContain(product.id);
    expect((await myCart(token)).lines.map((line) => line.quantity)).toEqual([2]);
    expect(await stockOf(product.id)).toEqual({ available: 1, onHand: 1, reserved: 0 });
  });
});

describe('orders', () => {
  it('are visible and cancellable by their owner only; cancelling releases the stock', async () => {
    const product = await productOnSale('8.00', 4);
    const owner = await newShopper();
    await addToCart(owner, product.id, 3);
    const id = (await checkout(owner)).order?.id ?? '';
    await orderReaches(owner, id, 'AWAITING_PAYMENT');

    const other = await newShopper();
    expect(await order(other, id)).toBeNull();
    expect((await cancel(other, id)).userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_FOUND']);
    expect((await order(owner, id))?.status).toBe('AWAITING_PAYMENT');
    const anonymous = await gql('query ($id: ID!) { order(id: $id) { id } }', { id });
    expect(anonymous.errors?.map((error) => error.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    expect((await gql('{ myOrders { edges { node { id } } } }')).errors?.[0]?.extensions?.['code']).toBe(
      'UNAUTHENTICATED',
    );

    expect(await cancel(owner, id)).toEqual({ order: { id, status: 'CANCELLED' }, userErrors: [] });
    await eventually(async () => ((await stockOf(product.id)).reserved === 0 ? true : undefined), {
      what: 'stock released',
    });
    expect(await stockOf(product.id)).toEqual({ available: 4, onHand: 4, reserved: 0 });
    // A cancelled order cannot be cancelled again, and a late payment does not revive it.
    expect((await cancel(owner, id)).userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_CANCELLABLE']);
    await sagaConsumed(await publishPaymentEvent('PaymentSucceeded', payment(id, 2400)));
    expect((await order(owner, id))?.status).toBe('CANCELLED');
  });

  it('expire when unpaid past the reservation, and give the stock back', async () => {
    const product = await productOnSale('15.00', 1);
    const token = await newShopper();
    await addToCart(token, product.id, 1);
    const id = (await checkout(token)).order?.id ?? '';
    await orderReaches(token, id, 'AWAITING_PAYMENT');
    expect((await stockOf(product.id)).available).toBe(0);
    const expired = await orderReaches(token, id, 'EXPIRED', 60_000);
    expect(expired.statusHistory.at(-1)).toMatchObject({ status: 'EXPIRED', reason: 'Reservation expired' });
    // An expired order is never charged.
    const late = await run<{ payOrder: { payment: unknown; userErrors: UserError[] } }>(
      'PayOrder',
      {
        input: {
          orderId: id,
          idempotencyKey: randomUUID(),
          paymentType: 'UPI',
          paymentMode: 'ONLINE',
          upiVpa: 'success@upi',
        },
      },
      { token },
    );
    expect(late.data?.payOrder.userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_PAYABLE']);
    await eventually(async () => ((await stockOf(product.id)).available === 1 ? true : undefined), {
      what: 'stock released',
    });
  }, 90_000);
});
