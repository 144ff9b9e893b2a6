import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  ROUTER_ASSERTION_HEADER,
  ROUTER_ISSUER,
  assertionSigningKey,
  generateAssertionKeyPair,
  signRouterAssertion,
  type Caller,
} from '@emporium/auth';
import { encodeEventMessage, type OrderStatus, type OrderStatusChanged } from '@emporium/contracts';
import { createSubgraphServer } from '@emporium/graphql-server';
import { createKafka, type Producer } from '@emporium/kafka';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { contextFactory } from '../src/context.ts';
import { buildSchema } from '../src/schema.ts';
import { CheckoutService } from '../src/services/checkout.service.ts';
import { OrderService } from '../src/services/order.service.ts';
import { transition } from '../src/services/order-transition.ts';
import { OrderEventsHub } from '../src/subscriptions/order-events.hub.ts';
import { OrderStatusStreamService } from '../src/subscriptions/order-status-stream.ts';
import { serveSubscriptions } from '../src/subscriptions/subscription-server.ts';
import {
  ORDER_SERVICE_SIGNER,
  ROUTER_KEY,
  ROUTER_SIGNER,
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
 * Live order tracking on the order subgraph: its HTTP server with the WebSocket endpoint, in
 * process, on a scratch database, hearing status changes through real Kafka on a topic of
 * the test's own. The test stands in for the outbox router: it publishes the outbox's
 * OrderStatusChanged rows exactly as Debezium would, or crafted ones (duplicates, gaps).
 */
const SLOW_QUEUE_LIMIT = 3;
const kafka = createKafka({
  clientId: 'order-subscriptions-test',
  brokers: stackEndpoints().kafka.brokers,
  logger: silent,
});
const topic = uniqueName('order_subscriptions_test');
const schema = buildSchema();

let db: TestDatabase;
let cart: CartStub;
let hub: OrderEventsHub;
let producer: Producer;
const servers: { url: string; close(): Promise<void> }[] = [];
let url: string;
let slowUrl: string;
const clients: Client[] = [];

/** The subgraph as index.ts wires it: HTTP and WebSocket on one port, subscribers fed by `hub`. */
async function startServer(queueLimit?: number): Promise<string> {
  const context = contextFactory({
    orm: db.orm,
    checkout: new CheckoutService({
      cartServiceUrl: cart.url,
      signingKey: ORDER_SERVICE_SIGNER,
      reservationTtlSeconds: 900,
      maxUnpaidOrders: 5,
      logger: silent,
    }),
    orders: new OrderService(),
    orderStatusStreams: new OrderStatusStreamService({
      source: hub,
      orders: new OrderService(),
      logger: silent,
      ...(queueLimit ? { queueLimit } : {}),
    }),
  });
  const server = await createSubgraphServer({ name: 'order', schema, routerKey: ROUTER_KEY, logger: silent, context });
  const subscriptions = serveSubscriptions({
    httpServer: server.httpServer,
    name: 'order',
    schema,
    routerKey: ROUTER_KEY,
    logger: silent,
    context,
  });
  await server.listen(0, '127.0.0.1');
  const address = `127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql`;
  servers.push({
    url: address,
    close: async () => {
      await subscriptions.close();
      await server.stop();
    },
  });
  return address;
}

beforeAll(async () => {
  db = await createTestDatabase();
  cart = await startCartStub();
  hub = new OrderEventsHub({ kafka, logger: silent, topic, maxWaitTimeMs: 200 });
  await hub.start();
  producer = kafka.producer();
  await producer.connect();
  url = await startServer();
  slowUrl = await startServer(SLOW_QUEUE_LIMIT);
});

afterAll(async () => {
  for (const client of clients) await client.dispose();
  for (const server of servers) await server.close();
  await producer.disconnect();
  await hub.stop();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
  await cart.close();
  await db.close();
});

const admin: Caller = { userId: randomUUID(), roles: ['ADMIN'] };

async function placeOrder(owner: string, products = [randomUUID(), randomUUID()]): Promise<string> {
  cart.carts.set(owner, [line(products[0] ?? randomUUID(), 2, 1500), line(products[1] ?? randomUUID(), 1, 250)]);
  const ctx = contextFor(db.orm, cart.url, shopper(owner));
  const payload = await ctx.checkout.checkout(ctx, { idempotencyKey: randomUUID() });
  if (!payload.order) throw new Error(`checkout failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.order.id;
}

/** Moves the order as the saga would: history row and outbox event in one transaction. */
async function move(orderId: string, to: OrderStatus, reason: string | null = null): Promise<number> {
  const change = await transition(db.orm.em.fork(), orderId, to, reason);
  if (!change) throw new Error(`${orderId} cannot move to ${to}`);
  return change.sequence;
}

/** The outbox's OrderStatusChanged rows of an order, by sequence, with their outbox ids. */
async function outbox(orderId: string): Promise<Map<number, { id: string; payload: OrderStatusChanged }>> {
  const rows = await db.orm.em
    .fork()
    .execute<{ id: string; payload: OrderStatusChanged }[]>(
      "select id, payload from outbox where aggregateid = ? and type = 'OrderStatusChanged'",
      [orderId],
    );
  return new Map(rows.map((row) => [row.payload.sequence, { id: row.id, payload: row.payload }]));
}

/** Publishes outbox rows as the outbox router does (a sequence may repeat: a redelivery). */
async function publish(orderId: string, ...sequences: number[]): Promise<void> {
  const rows = await outbox(orderId);
  await producer.send({
    topic,
    messages: sequences.map((sequence) => {
      const row = rows.get(sequence);
      if (!row) throw new Error(`no outbox event ${sequence} for ${orderId}`);
      return encodeEventMessage({ id: row.id, type: 'OrderStatusChanged', aggregateId: orderId, payload: row.payload });
    }),
  });
}

const SUBSCRIPTION = `
  subscription Track($orderId: ID!, $afterSequence: Int) {
    orderStatusChanged(orderId: $orderId, afterSequence: $afterSequence) {
      orderId sequence status at reason
      order { id status total { amount currencyCode } lines { quantity product { id } } }
    }
  }`;

interface Delivered {
  orderId: string;
  sequence: number;
  status: OrderStatus;
  at: string;
  reason: string | null;
  order: { id: string; status: OrderStatus; total: { amount: string; currencyCode: string }; lines: unknown[] };
}

/** One subscription as a client sees it: what arrived, and how it ended. */
interface Tracking {
  events: Delivered[];
  errors: { message: string; extensions?: Record<string, unknown> }[];
  /** A protocol-level error: an `error` message, or the socket closing. */
  failure: unknown;
  completed: boolean;
  unsubscribe(): void;
  sequences(): number[];
}

async function assertionFor(caller: Caller | null, signer = ROUTER_SIGNER, audience = 'order'): Promise<string> {
  return signRouterAssertion(signer, audience, { caller, requestId: randomUUID() });
}

/** A socket to the subgraph, opened with `connectionParams` at its first subscription. */
function connect(connectionParams: Record<string, unknown>, at = url): Client {
  const client = createClient({
    url: `ws://${at}`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/**
 * A subscription on a socket of its own opened with `connectionParams` (a router that gives
 * each caller a socket), or on a shared `client` with `extensions` naming its caller.
 */
function track(
  connectionParams: Record<string, unknown>,
  variables: { orderId: string; afterSequence?: number },
  at = url,
  shared?: { client: Client; extensions: Record<string, unknown> },
): Tracking {
  const client = shared?.client ?? connect(connectionParams, at);
  const tracking: Tracking = {
    events: [],
    errors: [],
    failure: undefined,
    completed: false,
    unsubscribe: () => undefined,
    sequences: () => tracking.events.map((event) => event.sequence),
  };
  tracking.unsubscribe = client.subscribe<{ orderStatusChanged: Delivered }>(
    { query: SUBSCRIPTION, variables, ...(shared ? { extensions: shared.extensions } : {}) },
    {
      next: (result) => {
        if (result.data) tracking.events.push(result.data.orderStatusChanged);
        if (result.errors) tracking.errors.push(...result.errors);
      },
      error: (error) => {
        tracking.failure = error;
      },
      complete: () => {
        tracking.completed = true;
      },
    },
  );
  return tracking;
}

const trackAs = async (caller: Caller | null, variables: { orderId: string; afterSequence?: number }, at = url) =>
  track({ [ROUTER_ASSERTION_HEADER]: await assertionFor(caller) }, variables, at);

/** A subscription on the router's shared socket `client`, its caller named by its own assertion. */
const trackOn = async (client: Client, caller: Caller | null, variables: { orderId: string }, assertion?: string) =>
  track({}, variables, url, {
    client,
    extensions: { [ROUTER_ASSERTION_HEADER]: assertion ?? (await assertionFor(caller)) },
  });

/** A socket as the router's pool opens it: the router's own assertion, for no caller. */
const routerSocket = async () => connect({ [ROUTER_ASSERTION_HEADER]: await assertionFor(null) });

const received = (tracking: Tracking, count: number, what = `${count} events`) =>
  eventually(async () => (tracking.events.length >= count ? true : undefined), { what, timeoutMs: 15_000 });

const ended = (tracking: Tracking) =>
  eventually(async () => (tracking.completed || tracking.failure !== undefined ? true : undefined), {
    what: 'the subscription to end',
    timeoutMs: 15_000,
  });

const noListeners = () =>
  eventually(async () => (hub.listenerCount() === 0 ? true : undefined), { what: 'no listeners on the hub' });

describe('orderStatusChanged', () => {
  it("starts with the order's current status, then delivers each change in order with the order", async () => {
    const owner = randomUUID();
    const products = [randomUUID(), randomUUID()];
    const orderId = await placeOrder(owner, products);
    const tracking = await trackAs(shopper(owner), { orderId });
    await received(tracking, 1);
    expect(tracking.events[0]).toMatchObject({ orderId, sequence: 1, status: 'PENDING', reason: null });
    expect(tracking.events[0]?.order).toEqual({
      id: orderId,
      status: 'PENDING',
      total: { amount: '32.50', currencyCode: 'USD' },
      lines: [
        { quantity: 2, product: { id: products[0] } },
        { quantity: 1, product: { id: products[1] } },
      ],
    });

    await move(orderId, 'AWAITING_PAYMENT');
    await publish(orderId, 2);
    await move(orderId, 'PAYMENT_PROCESSING');
    await move(orderId, 'PAYMENT_FAILED', 'card_declined');
    await publish(orderId, 3, 4);
    await received(tracking, 4);
    expect(tracking.events.map((event) => [event.sequence, event.status, event.reason])).toEqual([
      [1, 'PENDING', null],
      [2, 'AWAITING_PAYMENT', null],
      [3, 'PAYMENT_PROCESSING', null],
      [4, 'PAYMENT_FAILED', 'card_declined'],
    ]);
    // The order is read when each event is delivered, not once per subscription.
    expect(tracking.events[3]?.order.status).toBe('PAYMENT_FAILED');
    expect(new Date(tracking.events[3]?.at ?? '').getTime()).not.toBeNaN();
    expect(tracking.completed).toBe(false);
    tracking.unsubscribe();
    await noListeners();
  });

  it('resumes after afterSequence: the missed changes from the history, then live ones, none twice', async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    await move(orderId, 'AWAITING_PAYMENT');
    await move(orderId, 'PAYMENT_PROCESSING');
    const tracking = await trackAs(shopper(owner), { orderId, afterSequence: 1 });
    await received(tracking, 2);
    // Kafka lags the database: the replayed changes arrive live as well, after the client has them.
    await move(orderId, 'PAYMENT_FAILED', 'insufficient_funds');
    await publish(orderId, 1, 2, 3, 4);
    await received(tracking, 3);
    await move(orderId, 'PAYMENT_PROCESSING');
    await publish(orderId, 5);
    await received(tracking, 4);
    expect(tracking.sequences()).toEqual([2, 3, 4, 5]);
    expect(tracking.events[2]).toMatchObject({ status: 'PAYMENT_FAILED', reason: 'insufficient_funds' });
    tracking.unsubscribe();
  });

  it('delivers a redelivered event once', async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    const tracking = await trackAs(shopper(owner), { orderId });
    await received(tracking, 1);
    await move(orderId, 'AWAITING_PAYMENT');
    await publish(orderId, 2, 2);
    await move(orderId, 'PAYMENT_PROCESSING');
    await publish(orderId, 2, 3);
    await received(tracking, 3);
    expect(tracking.sequences()).toEqual([1, 2, 3]);
    tracking.unsubscribe();
  });

  it('fills a gap before a live event from the history', async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    const tracking = await trackAs(shopper(owner), { orderId });
    await received(tracking, 1);
    await move(orderId, 'AWAITING_PAYMENT');
    await move(orderId, 'PAYMENT_PROCESSING');
    // Event 2 never arrives (or not yet): 3 brings it along from the history.
    await publish(orderId, 3);
    await received(tracking, 3);
    expect(tracking.events.map((event) => [event.sequence, event.status])).toEqual([
      [1, 'PENDING'],
      [2, 'AWAITING_PAYMENT'],
      [3, 'PAYMENT_PROCESSING'],
    ]);
    await publish(orderId, 2);
    await move(orderId, 'PAYMENT_FAILED', 'card_declined');
    await publish(orderId, 4);
    await received(tracking, 4);
    expect(tracking.sequences()).toEqual([1, 2, 3, 4]);
    tracking.unsubscribe();
  });

  it('completes after a final status, and at once for an order already final', async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    const tracking = await trackAs(shopper(owner), { orderId });
    await received(tracking, 1);
    await move(orderId, 'REJECTED', 'Not enough stock');
    await publish(orderId, 2);
    await ended(tracking);
    expect(tracking.completed).toBe(true);
    expect(tracking.events.map((event) => [event.status, event.reason])).toEqual([
      ['PENDING', null],
      ['REJECTED', 'Not enough stock'],
    ]);

    const late = await trackAs(shopper(owner), { orderId });
    await ended(late);
    expect(late.completed).toBe(true);
    expect(late.events.map((event) => event.status)).toEqual(['REJECTED']);
    await noListeners();
  });

  it('lets ADMIN follow any order', async () => {
    const orderId = await placeOrder(randomUUID());
    const tracking = await trackAs(admin, { orderId });
    await received(tracking, 1);
    expect(tracking.events[0]).toMatchObject({ orderId, status: 'PENDING' });
    tracking.unsubscribe();
  });

  it("is FORBIDDEN for another shopper's order and for an unknown one alike, and needs a caller", async () => {
    const orderId = await placeOrder(randomUUID());
    const someoneElse = await trackAs(shopper(randomUUID()), { orderId });
    const unknown = await trackAs(shopper(randomUUID()), { orderId: randomUUID() });
    const malformed = await trackAs(shopper(randomUUID()), { orderId: 'not-an-order' });
    const anonymous = await trackAs(null, { orderId });
    for (const tracking of [someoneElse, unknown, malformed, anonymous]) await ended(tracking);
    for (const tracking of [someoneElse, unknown, malformed]) {
      expect(tracking.events).toEqual([]);
      expect(tracking.errors.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
    }
    expect(someoneElse.errors[0]?.message).toBe(unknown.errors[0]?.message);
    expect(anonymous.errors.map((error) => error.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    await noListeners();
  });

  it('refuses a socket without a valid router assertion', async () => {
    const orderId = await placeOrder(randomUUID());
    const stranger = shopper(randomUUID());
    const attempts = [
      track({}, { orderId }),
      track({ [ROUTER_ASSERTION_HEADER]: 'not-a-token' }, { orderId }),
      track(
        {
          [ROUTER_ASSERTION_HEADER]: await assertionFor(
            stranger,
            assertionSigningKey(ROUTER_ISSUER, generateAssertionKeyPair().privateKey),
          ),
        },
        { orderId },
      ),
      // Addressed to another subgraph: not a pass to this one.
      track({ [ROUTER_ASSERTION_HEADER]: await assertionFor(stranger, ROUTER_SIGNER, 'cart') }, { orderId }),
    ];
    for (const attempt of attempts) {
      await ended(attempt);
      expect(attempt.events).toEqual([]);
      expect(attempt.failure).toMatchObject({ code: 4403 });
    }
  });

  it("carries many callers' subscriptions on one socket, each as its own assertion says", async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const [aliceOrder, bobOrder] = [await placeOrder(alice), await placeOrder(bob)];
    const socket = await routerSocket();
    const aliceTracking = await trackOn(socket, shopper(alice), { orderId: aliceOrder });
    const bobTracking = await trackOn(socket, shopper(bob), { orderId: bobOrder });
    await received(aliceTracking, 1);
    await received(bobTracking, 1);
    await publish(bobOrder, await move(bobOrder, 'AWAITING_PAYMENT'));
    await received(bobTracking, 2);
    expect(bobTracking.events.map((event) => [event.orderId, event.status])).toEqual([
      [bobOrder, 'PENDING'],
      [bobOrder, 'AWAITING_PAYMENT'],
    ]);
    expect(aliceTracking.events.map((event) => [event.orderId, event.status])).toEqual([[aliceOrder, 'PENDING']]);
    aliceTracking.unsubscribe();
    bobTracking.unsubscribe();
    await noListeners();
  });

  it("does not lend a shared socket's subscriptions to one another: each needs an assertion of its own", async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    const socket = await routerSocket();
    const ownerTracking = await trackOn(socket, shopper(owner), { orderId });
    await received(ownerTracking, 1);
    const stranger = shopper(randomUUID());
    // The router's own socket speaks for no caller: a subscription that names none is anonymous.
    const unnamed = track({}, { orderId }, url, { client: socket, extensions: {} });
    const forged = await trackOn(
      socket,
      null,
      { orderId },
      await assertionFor(shopper(owner), assertionSigningKey(ROUTER_ISSUER, generateAssertionKeyPair().privateKey)),
    );
    const garbage = await trackOn(socket, null, { orderId }, 'not-a-token');
    const elsewhere = await trackOn(
      socket,
      null,
      { orderId },
      await assertionFor(shopper(owner), ROUTER_SIGNER, 'cart'),
    );
    const someoneElse = await trackOn(socket, stranger, { orderId });
    for (const attempt of [unnamed, forged, garbage, elsewhere, someoneElse]) {
      await ended(attempt);
      expect(attempt.events).toEqual([]);
    }
    expect(unnamed.errors.map((error) => error.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    expect(someoneElse.errors.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
    for (const attempt of [forged, garbage, elsewhere]) {
      expect(attempt.failure).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    }
    // Refusing them ended neither the socket nor the owner's subscription on it.
    await publish(orderId, await move(orderId, 'AWAITING_PAYMENT'));
    await received(ownerTracking, 2);
    expect(ownerTracking.failure).toBeUndefined();
    ownerTracking.unsubscribe();
    await noListeners();
  });

  it('stops listening when the client unsubscribes or its socket goes', async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    const first = await trackAs(shopper(owner), { orderId });
    const second = await trackAs(shopper(owner), { orderId });
    await received(first, 1);
    await received(second, 1);
    expect(hub.listenerCount()).toBe(2);
    first.unsubscribe();
    await eventually(async () => (hub.listenerCount() === 1 ? true : undefined), { what: 'one listener left' });
    await clients.at(-1)?.dispose();
    await noListeners();
  });

  it('ends a subscriber that falls too far behind with SUBSCRIBER_TOO_SLOW', async () => {
    const owner = randomUUID();
    const orderId = await placeOrder(owner);
    const tracking = await trackAs(shopper(owner), { orderId }, slowUrl);
    await received(tracking, 1);
    // A burst the subscriber cannot take as it comes: each delivery reads the order first.
    const burst = Array.from({ length: 10 }, (_, i) => {
      const sequence = i + 2;
      const payload: OrderStatusChanged = {
        orderId,
        userId: owner,
        sequence,
        status: sequence % 2 === 0 ? 'PAYMENT_PROCESSING' : 'PAYMENT_FAILED',
        previousStatus: sequence % 2 === 0 ? 'PAYMENT_FAILED' : 'PAYMENT_PROCESSING',
        reason: null,
        at: new Date().toISOString(),
      };
      return encodeEventMessage({ id: randomUUID(), type: 'OrderStatusChanged', aggregateId: orderId, payload });
    });
    await producer.send({ topic, messages: burst });
    await ended(tracking);
    expect(tracking.completed).toBe(false);
    const [failure, ...more] = tracking.failure as { message: string; extensions: unknown }[];
    expect(more).toEqual([]);
    expect(failure?.message).toContain('fell behind');
    expect(failure?.extensions).toEqual({ code: 'SUBSCRIBER_TOO_SLOW' });
    expect(tracking.events.length).toBeLessThan(11);
    expect(tracking.sequences()).toEqual(tracking.events.map((_, i) => i + 1));
    await noListeners();
  });

  it('is not served over HTTP', async () => {
    const response = await fetch(`http://${url}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [ROUTER_ASSERTION_HEADER]: await assertionFor(admin),
      },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { orderId: randomUUID() } }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
