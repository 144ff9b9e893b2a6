import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@emporium/testing';
import { processUrl, processesOf, routerGraphqlUrls } from './replicas.ts';
import { contractOperation } from './client.ts';
import {
  RESUMABLE_STATUS,
  closeCode,
  connect,
  connectAs,
  disconnectAll,
  orderFigures,
  routerFigures,
  sees,
  sequences,
  statuses,
  watch,
} from './live.ts';
import {
  CARDS,
  addToCart,
  checkout,
  newShopper,
  orderReaches,
  payOrder,
  productOnSale,
  tokenize,
  type Money,
} from './shop.ts';

/**
 * Live order tracking through the router: the contract's OrderStatusChanged over WebSocket on
 * the router's /graphql, served by the order subgraph and completed by the product subgraph,
 * with payments made by card through the provider simulator.
 */
const ORDER_STATUS_CHANGED = contractOperation('OrderStatusChanged');

/**
 * The live figures of every router and every order subgraph process, added up: with replicas the
 * balancer picks which of them serves a socket, and a probe through it would ask any one.
 */
async function platformFigures(): Promise<{ clientSubscriptions: number; upstreamSockets: number; listeners: number }> {
  const [routers, orders] = await Promise.all([
    Promise.all(routerGraphqlUrls().map((url) => routerFigures(url))),
    Promise.all(processesOf('order').map((order) => orderFigures(processUrl(order)))),
  ]);
  return {
    clientSubscriptions: routers.reduce((sum, router) => sum + router.clientSubscriptions, 0),
    upstreamSockets: routers.reduce((sum, router) => sum + router.upstreamSockets, 0),
    listeners: orders.reduce((sum, order) => sum + order.listeners, 0),
  };
}

afterEach(disconnectAll);

/** Pays by card through the router, as the shopper's browser would. */
async function pay(token: string, orderId: string, card: string): Promise<void> {
  const paid = await payOrder(token, { orderId, paymentMethodToken: await tokenize(card) });
  expect(paid.userErrors).toEqual([]);
}

/** A new shopper with a fresh order of two units of a product of the test's own. */
async function placedOrder(): Promise<{
  token: string;
  orderId: string;
  total: Money;
  product: { id: string; name: string };
}> {
  const product = await productOnSale('12.25', 5);
  const token = await newShopper('tracker');
  await addToCart(token, product.id, 2);
  const placed = await checkout(token);
  expect(placed.userErrors).toEqual([]);
  const orderId = placed.order?.id ?? '';
  return { token, orderId, total: placed.order?.total ?? { amount: '', currencyCode: '' }, product };
}

const LIFECYCLE_FROM_CHECKOUT = ['PENDING', 'AWAITING_PAYMENT'];

/** Drops a PENDING the subscriber may or may not have caught before the reservation. */
const fromAwaitingPayment = (seen: string[]): string[] => (seen[0] === 'PENDING' ? seen.slice(1) : seen);

describe('orderStatusChanged through the router', () => {
  it('streams the current status, then every change to PAID, with product names from the product subgraph', async () => {
    const { token, orderId, total, product } = await placedOrder();
    const subscription = watch(connectAs(token), ORDER_STATUS_CHANGED, { orderId });
    await sees(subscription.results, 'AWAITING_PAYMENT', 60_000);
    await pay(token, orderId, CARDS.success);

    // PAID is terminal: the subgraph completes the stream, and the router completes the client's.
    expect(await subscription.ended).toEqual({ completed: true });
    const seen = statuses(subscription.results);
    expect(LIFECYCLE_FROM_CHECKOUT).toContain(seen[0]);
    expect(fromAwaitingPayment(seen)).toEqual(['AWAITING_PAYMENT', 'PAYMENT_PROCESSING', 'PAID']);
    for (const result of subscription.results) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.orderStatusChanged).toMatchObject({
        orderId,
        order: { id: orderId, total, lines: [{ quantity: 2, product: { id: product.id, name: product.name } }] },
      });
      // Exactly the client's selection: no keys or __typename the planner added.
      expect(Object.keys(result.data?.orderStatusChanged.order.lines[0]?.product ?? {}).sort()).toEqual(['id', 'name']);
    }
  });

  it('streams a declined payment with its reason, then the good one, each status once and in order', async () => {
    const { token, orderId, product } = await placedOrder();
    const subscription = watch(connectAs(token), RESUMABLE_STATUS, { orderId });
    await sees(subscription.results, 'AWAITING_PAYMENT', 60_000);
    await pay(token, orderId, CARDS.declined);
    await sees(subscription.results, 'PAYMENT_FAILED');
    await pay(token, orderId, CARDS.success);

    expect(await subscription.ended).toEqual({ completed: true });
    expect(fromAwaitingPayment(statuses(subscription.results))).toEqual([
      'AWAITING_PAYMENT',
      'PAYMENT_PROCESSING',
      'PAYMENT_FAILED',
      'PAYMENT_PROCESSING',
      'PAID',
    ]);
    const numbers = sequences(subscription.results);
    expect(numbers).toEqual(numbers.map((_, index) => (numbers[0] ?? 0) + index));
    const failed = subscription.results.find((result) => result.data?.orderStatusChanged.status === 'PAYMENT_FAILED');
    expect(failed?.data?.orderStatusChanged.reason).toBe('card_declined');
    expect(subscription.results.at(-1)?.data?.orderStatusChanged.order.lines[0]?.product.name).toBe(product.name);
  });

  it('resumes a dropped subscription from the last sequence seen: nothing missed, nothing repeated', async () => {
    const { token, orderId } = await placedOrder();
    const first = watch(connectAs(token), RESUMABLE_STATUS, { orderId });
    await sees(first.results, 'AWAITING_PAYMENT', 60_000);
    const lastSeen = sequences(first.results).at(-1) ?? 0;
    // The connection drops (the whole socket, as when a phone loses its network).
    await disconnectAll();

    // While nobody listens, a card is declined.
    await pay(token, orderId, CARDS.declined);
    await orderReaches(token, orderId, 'PAYMENT_FAILED');

    const resumed = watch(connectAs(token), RESUMABLE_STATUS, { orderId, afterSequence: lastSeen });
    // Missed events are replayed from the history before the live ones.
    await sees(resumed.results, 'PAYMENT_FAILED');
    await pay(token, orderId, CARDS.success);
    expect(await resumed.ended).toEqual({ completed: true });

    expect(statuses(resumed.results)).toEqual(['PAYMENT_PROCESSING', 'PAYMENT_FAILED', 'PAYMENT_PROCESSING', 'PAID']);
    expect(sequences(resumed.results)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4]);
  });

  it('takes the token under the Authorization key as Apollo Sandbox sends its headers', async () => {
    const { token, orderId } = await placedOrder();
    const subscription = watch(connect({ Authorization: `Bearer ${token}` }), ORDER_STATUS_CHANGED, { orderId });
    await eventually(async () => (subscription.results.length > 0 ? true : undefined), {
      what: 'the first event',
      timeoutMs: 30_000,
    });
    expect(subscription.results[0]?.data?.orderStatusChanged.orderId).toBe(orderId);
  });

  it("refuses another shopper's order with FORBIDDEN", async () => {
    const { orderId } = await placedOrder();
    const stranger = await newShopper('stranger');
    const subscription = watch(connectAs(stranger), ORDER_STATUS_CHANGED, { orderId });
    expect(await subscription.ended).toEqual({ completed: true });
    expect(subscription.results).toHaveLength(1);
    expect(subscription.results[0]?.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect(subscription.results[0]?.data ?? null).toBeNull();
  });

  it.each([
    ['no token', {}],
    ['a token that does not verify', { authorization: 'Bearer abc.def.ghi' }],
  ])('closes the socket with 4403 for %s', async (_label, params) => {
    const subscription = watch(connect(params), ORDER_STATUS_CHANGED, { orderId: randomUUID() });
    expect(closeCode(await subscription.ended)).toBe(4403);
  });

  it('answers queries over the socket with an error: they go over HTTP', async () => {
    const token = await newShopper('tracker');
    const subscription = watch(connectAs(token), '{ __typename }', {});
    const ended = await subscription.ended;
    expect(ended).toHaveProperty('error');
    const errors = (ended as { error: { extensions?: { code?: string } }[] }).error;
    expect(errors.map((error) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
  });

  it('lets go of the upstream socket and the hub listener when the client unsubscribes', async () => {
    const { token, orderId } = await placedOrder();
    const subscription = watch(connectAs(token), ORDER_STATUS_CHANGED, { orderId });
    await eventually(async () => (subscription.results.length > 0 ? true : undefined), {
      what: 'the first event',
      timeoutMs: 30_000,
    });
    const during = await platformFigures();
    expect(during.clientSubscriptions).toBeGreaterThanOrEqual(1);
    expect(during.upstreamSockets).toBeGreaterThanOrEqual(1);
    expect(during.listeners).toBeGreaterThanOrEqual(1);
    subscription.unsubscribe();
    await eventually(
      async () => {
        const now = await platformFigures();
        return now.clientSubscriptions === 0 && now.upstreamSockets === 0 && now.listeners === 0 ? true : undefined;
      },
      { what: 'the router to close its upstream socket and the order subgraph to stop listening', timeoutMs: 10_000 },
    );
  });
});
