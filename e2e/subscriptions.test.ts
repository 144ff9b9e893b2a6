import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '@emporium/testing';
import { ROUTER_URL, contractOperation } from './client.ts';
import { addToCart, checkout, minor, newShopper, productOnSale, publishPaymentEvent, type Money } from './shop.ts';

/**
 * Live order tracking through the router: the contract's OrderStatusChanged over WebSocket on
 * the router's /graphql, served by the order subgraph and completed by the product subgraph.
 */
const WS_URL = ROUTER_URL.replace(/^http/, 'ws');
const SUBSCRIPTIONS_HEALTH = ROUTER_URL.replace(/\/graphql$/, '/health/subscriptions');
const ORDER_STATUS_CHANGED = contractOperation('OrderStatusChanged');

interface StatusEvent {
  orderId: string;
  status: string;
  at: string;
  reason: string | null;
  order: { id: string; total: Money; lines: { quantity: number; product: { id: string; name: string } }[] };
}
type Result = FormattedExecutionResult<{ orderStatusChanged: StatusEvent }, unknown>;

/** What one subscription saw: results in order, and how it ended. */
interface Watch {
  results: Result[];
  ended: Promise<{ completed: true } | { error: unknown }>;
  unsubscribe: () => void;
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => Promise.resolve(client.dispose())));
});

function connect(connectionParams: Record<string, unknown>): Client {
  const client = createClient({ url: WS_URL, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
  clients.push(client);
  return client;
}

const connectAs = (token: string): Client => connect({ authorization: `Bearer ${token}` });

function watch(client: Client, query: string, variables: Record<string, unknown>): Watch {
  const results: Result[] = [];
  let unsubscribe = (): void => undefined;
  const ended = new Promise<{ completed: true } | { error: unknown }>((resolve) => {
    unsubscribe = client.subscribe<{ orderStatusChanged: StatusEvent }>(
      { query, variables },
      {
        next: (result) => results.push(result),
        error: (error: unknown) => {
          resolve({ error });
        },
        complete: () => {
          resolve({ completed: true });
        },
      },
    );
  });
  return { results, ended, unsubscribe };
}

const statuses = (results: Result[]): string[] => results.map((result) => result.data?.orderStatusChanged.status ?? '');

const upstreamSockets = async (): Promise<number> => {
  const response = await fetch(SUBSCRIPTIONS_HEALTH);
  return ((await response.json()) as { upstreamSockets: number }).upstreamSockets;
};

const payment = (orderId: string, amountMinor: number) => ({
  orderId,
  paymentId: randomUUID(),
  amount: { amountMinor, currencyCode: 'USD' },
  at: new Date().toISOString(),
});

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

describe('orderStatusChanged through the router', () => {
  it('streams the current status, then every change in order, with product names from the product subgraph', async () => {
    const { token, orderId, total, product } = await placedOrder();
    const subscription = watch(connectAs(token), ORDER_STATUS_CHANGED, { orderId });

    await eventually(async () => (statuses(subscription.results).includes('AWAITING_PAYMENT') ? true : undefined), {
      what: `order ${orderId} to reach AWAITING_PAYMENT on the subscription`,
      timeoutMs: 60_000,
    });
    await publishPaymentEvent('PaymentSubmitted', payment(orderId, minor(total)));
    await eventually(async () => (statuses(subscription.results).includes('PAYMENT_PROCESSING') ? true : undefined), {
      what: `order ${orderId} to reach PAYMENT_PROCESSING on the subscription`,
      timeoutMs: 30_000,
    });
    await publishPaymentEvent('PaymentSucceeded', payment(orderId, minor(total)));

    // PAID is terminal: the subgraph completes the stream, and the router completes the client's.
    expect(await subscription.ended).toEqual({ completed: true });
    const seen = statuses(subscription.results);
    expect(['PENDING', 'AWAITING_PAYMENT']).toContain(seen[0]);
    const lifecycle = ['PENDING', 'AWAITING_PAYMENT', 'PAYMENT_PROCESSING', 'PAID'];
    expect(seen).toEqual(lifecycle.slice(lifecycle.indexOf(seen[0] ?? '')));
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
    const ended = await subscription.ended;
    expect(ended).toHaveProperty('error');
    expect((ended as { error: { code?: number } }).error.code).toBe(4403);
  });

  it('answers queries over the socket with an error: they go over HTTP', async () => {
    const token = await newShopper('tracker');
    const subscription = watch(connectAs(token), '{ __typename }', {});
    const ended = await subscription.ended;
    expect(ended).toHaveProperty('error');
    const errors = (ended as { error: { extensions?: { code?: string } }[] }).error;
    expect(errors.map((error) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
  });

  it('closes the upstream socket when the client unsubscribes', async () => {
    const { token, orderId } = await placedOrder();
    const subscription = watch(connectAs(token), ORDER_STATUS_CHANGED, { orderId });
    await eventually(async () => (subscription.results.length > 0 ? true : undefined), {
      what: 'the first event',
      timeoutMs: 30_000,
    });
    expect(await upstreamSockets()).toBeGreaterThan(0);
    subscription.unsubscribe();
    await eventually(async () => ((await upstreamSockets()) === 0 ? true : undefined), {
      what: 'the router to close its upstream socket',
      timeoutMs: 10_000,
    });
  });
});
