import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse, type ExecutionResult } from 'graphql';
import type { Caller } from '@emporium/auth';
import { validatePayload, type EventType } from '@emporium/contracts';
import { buildSchema } from '../src/schema.ts';
import { transition } from '../src/services/order-transition.ts';
import {
  contextFor,
  createTestDatabase,
  line,
  shopper,
  startCartStub,
  type CartStub,
  type TestDatabase,
} from './support.ts';

/**
 * Checkout and order reads through the executable schema, on a scratch database, with the
 * cart service stood in by a local HTTP server.
 */
let db: TestDatabase;
let cart: CartStub;
const statements: string[] = [];
const schema = buildSchema();

beforeAll(async () => {
  db = await createTestDatabase((sql) => statements.push(sql));
  cart = await startCartStub();
});

afterAll(async () => {
  await cart.close();
  await db.close();
});

const CHECKOUT = parse(`
  mutation Checkout($input: CheckoutInput!) {
    checkout(input: $input) {
      order { id status total { amount currencyCode } createdAt reservationExpiresAt
        lines { quantity unitPrice { amount currencyCode } lineTotal { amount } product { id } }
        statusHistory { status at reason } }
      userErrors { code field message }
    }
  }
`);
const ORDER = parse(`
  query Order($id: ID!) {
    order(id: $id) { id status total { amount currencyCode } lines { quantity product { id } } statusHistory { status reason } }
  }
`);
const CANCEL = parse(`
  mutation Cancel($input: CancelOrderInput!) {
    cancelOrder(input: $input) { order { id status statusHistory { status reason } } userErrors { code field message } }
  }
`);
const MY_ORDERS = parse(`
  query MyOrders($first: Int, $after: String) {
    myOrders(first: $first, after: $after) {
      edges { cursor node { id status total { amount } lines { quantity } statusHistory { status } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

interface OrderData {
  id: string;
  status: string;
  total: { amount: string; currencyCode: string };
  lines: { quantity: number; unitPrice: { amount: string }; lineTotal: { amount: string }; product: { id: string } }[];
  statusHistory: { status: string; reason: string | null }[];
  reservationExpiresAt: string | null;
}
interface Payload {
  order: OrderData | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function run(
  document: ReturnType<typeof parse>,
  caller: Caller | null,
  variables: Record<string, unknown>,
  cartUrl = cart.url,
): Promise<ExecutionResult<Record<string, unknown>>> {
  return execute({
    schema,
    document,
    variableValues: variables,
    contextValue: contextFor(db.orm, cartUrl, caller),
  });
}

async function checkout(caller: Caller, input: Record<string, unknown>, cartUrl?: string): Promise<Payload> {
  const result = await run(CHECKOUT, caller, { input }, cartUrl);
  expect(result.errors).toBeUndefined();
  return result.data?.['checkout'] as Payload;
}

async function outbox(orderId: string): Promise<{ type: EventType; payload: unknown }[]> {
  return db.orm.em
    .fork()
    .execute<{ type: EventType; payload: unknown }[]>(
      'select type, payload from outbox where aggregateid = ? order by created_at, type',
      [orderId],
    );
}

const orderCount = async (userId: string): Promise<number> => {
  const [row] = await db.orm.em
    .fork()
    .execute<{ count: number }[]>('select count(*)::int as count from orders where user_id = ?', [userId]);
  return row?.count ?? 0;
};

const P1 = randomUUID();
const P2 = randomUUID();

describe('checkout', () => {
  it('places a PENDING order priced from the cart, with OrderPlaced and OrderStatusChanged in the outbox', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 2, 1099), line(P2, 1, 250)]);
    const payload = await checkout(shopper(user), {
      idempotencyKey: 'key-1',
      expectedTotal: { amount: '24.48', currencyCode: 'USD' },
    });
    expect(payload.userErrors).toEqual([]);
    const order = payload.order;
    expect(order).toMatchObject({
      status: 'PENDING',
      total: { amount: '24.48', currencyCode: 'USD' },
      lines: [
        { quantity: 2, unitPrice: { amount: '10.99' }, lineTotal: { amount: '21.98' }, product: { id: P1 } },
        { quantity: 1, unitPrice: { amount: '2.50' }, lineTotal: { amount: '2.50' }, product: { id: P2 } },
      ],
      statusHistory: [{ status: 'PENDING', reason: null }],
    });
    expect(order?.reservationExpiresAt).not.toBeNull();

    const events = await outbox(order?.id ?? '');
    expect(events.map((event) => event.type).sort()).toEqual(['OrderPlaced', 'OrderStatusChanged']);
    for (const event of events) expect(() => validatePayload(event.type, event.payload)).not.toThrow();
    const placed = events.find((event) => event.type === 'OrderPlaced')?.payload;
    expect(placed).toMatchObject({
      orderId: order?.id,
      userId: user,
      total: { amountMinor: 2448, currencyCode: 'USD' },
      lines: [
        { productId: P1, quantity: 2, unitPrice: { amountMinor: 1099, currencyCode: 'USD' } },
        { productId: P2, quantity: 1, unitPrice: { amountMinor: 250, currencyCode: 'USD' } },
      ],
    });
    const changed = events.find((event) => event.type === 'OrderStatusChanged')?.payload;
    expect(changed).toMatchObject({
      orderId: order?.id,
      userId: user,
      sequence: 1,
      status: 'PENDING',
      previousStatus: null,
    });
  });

  it('returns the same order for a retry with the same key, without new events', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 500)]);
    const first = await checkout(shopper(user), { idempotencyKey: 'retry' });
    const id = first.order?.id ?? '';
    const again = await checkout(shopper(user), { idempotencyKey: 'retry' });
    expect(again).toMatchObject({ order: { id }, userErrors: [] });
    // Once stock is reserved the cart gives up what was bought: an empty cart is still the same request.
    cart.carts.set(user, []);
    const afterReservation = await checkout(shopper(user), { idempotencyKey: 'retry' });
    expect(afterReservation).toMatchObject({ order: { id }, userErrors: [] });
    expect(await outbox(id)).toHaveLength(2);
    expect(await orderCount(user)).toBe(1);
  });

  it('refuses a key reused for a different cart', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 500)]);
    await checkout(shopper(user), { idempotencyKey: 'reused' });
    cart.carts.set(user, [line(P1, 3, 500)]);
    const payload = await checkout(shopper(user), { idempotencyKey: 'reused' });
    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }),
    ]);
    expect(await orderCount(user)).toBe(1);
  });

  it('refuses an empty cart', async () => {
    const user = randomUUID();
    const payload = await checkout(shopper(user), { idempotencyKey: 'empty' });
    expect(payload).toMatchObject({ order: null, userErrors: [{ code: 'CART_EMPTY' }] });
    expect(await orderCount(user)).toBe(0);
  });

  it('tells the new total when prices changed, and places nothing', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 3, 1000)]);
    const payload = await checkout(shopper(user), {
      idempotencyKey: 'price',
      expectedTotal: { amount: '25.00', currencyCode: 'USD' },
    });
    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'PRICE_CHANGED', field: ['input', 'expectedTotal'] }),
    ]);
    expect(payload.userErrors[0]?.message).toContain('30.00 USD');
    const otherCurrency = await checkout(shopper(user), {
      idempotencyKey: 'price',
      expectedTotal: { amount: '30.00', currencyCode: 'EUR' },
    });
    expect(otherCurrency.userErrors[0]?.code).toBe('PRICE_CHANGED');
    expect(await orderCount(user)).toBe(0);
  });

  it('names a product that left the catalogue', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 1000), line(P2, 1, null)]);
    const payload = await checkout(shopper(user), { idempotencyKey: 'gone' });
    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'PRODUCT_NOT_FOUND', field: ['input'] })]);
    expect(payload.userErrors[0]?.message).toContain(P2);
    expect(await orderCount(user)).toBe(0);
  });

  it('refuses a cart priced in more than one currency', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 1000, 'USD'), line(P2, 1, 1000, 'EUR')]);
    const payload = await checkout(shopper(user), { idempotencyKey: 'mixed' });
    expect(payload).toMatchObject({ order: null, userErrors: [{ code: 'MIXED_CURRENCIES' }] });
    expect(await orderCount(user)).toBe(0);
  });

  it('fails with SERVICE_UNAVAILABLE and places nothing when the cart service is down', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 1000)]);
    const result = await run(CHECKOUT, shopper(user), { input: { idempotencyKey: 'down' } }, 'http://127.0.0.1:1');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
    expect(await orderCount(user)).toBe(0);
  });

  it('places one order for concurrent checkouts with the same key', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 2, 700)]);
    const payloads = await Promise.all(
      Array.from({ length: 6 }, () => checkout(shopper(user), { idempotencyKey: 'double-click' })),
    );
    const ids = new Set(payloads.map((payload) => payload.order?.id));
    expect(payloads.every((payload) => payload.userErrors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await orderCount(user)).toBe(1);
    expect(await outbox([...ids][0] ?? '')).toHaveLength(2);
  });

  it('rejects bad input and anonymous callers as GraphQL errors', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 1000)]);
    const codes = async (caller: Caller | null, input: Record<string, unknown>) =>
      (await run(CHECKOUT, caller, { input })).errors?.map((error) => error.extensions['code']);
    expect(await codes(null, { idempotencyKey: 'anon' })).toEqual(['UNAUTHENTICATED']);
    expect(await codes(shopper(user), { idempotencyKey: '' })).toEqual(['BAD_USER_INPUT']);
    expect(await codes(shopper(user), { idempotencyKey: 'x'.repeat(129) })).toEqual(['BAD_USER_INPUT']);
    expect(await codes(shopper(user), { idempotencyKey: 'tab\tkey' })).toEqual(['BAD_USER_INPUT']);
    expect(
      await codes(shopper(user), { idempotencyKey: 'ok', expectedTotal: { amount: '-1', currencyCode: 'USD' } }),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await orderCount(user)).toBe(0);
  });
});

describe('unpaid orders per shopper', () => {
  const unpaidCount = async (userId: string): Promise<number | undefined> => {
    const [row] = await db.orm.em
      .fork()
      .execute<{ count: number }[]>('select count from unpaid_orders where user_id = ?', [userId]);
    return row?.count;
  };

  it('refuses a sixth unpaid order, placing nothing, and takes one again once an order is cancelled', async () => {
    const user = randomUUID();
    // A new line each time (line() makes one), as after each reservation emptied the cart and the shopper added again.
    const refill = () => cart.carts.set(user, [line(P1, 1, 500)]);
    const placed: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      refill();
      const payload = await checkout(shopper(user), { idempotencyKey: `unpaid-${i}` });
      expect(payload.userErrors).toEqual([]);
      placed.push(payload.order?.id ?? '');
    }

    refill();
    const sixth = await checkout(shopper(user), { idempotencyKey: 'unpaid-5' });
    expect(sixth.order).toBeNull();
    expect(sixth.userErrors).toEqual([
      { code: 'TOO_MANY_PENDING_ORDERS', field: null, message: expect.stringMatching(/5 unpaid orders/) as string },
    ]);
    expect(await orderCount(user)).toBe(5);

    const cancelled = (await run(CANCEL, shopper(user), { input: { orderId: placed[0] } })).data?.[
      'cancelOrder'
    ] as Payload;
    expect(cancelled.userErrors).toEqual([]);
    expect(await unpaidCount(user)).toBe(4);
    refill();
    expect((await checkout(shopper(user), { idempotencyKey: 'unpaid-6' })).userErrors).toEqual([]);
    expect(await orderCount(user)).toBe(6);
  });

  it('holds the cap when a shopper checks out many times at once', async () => {
    const user = randomUUID();
    // Each checkout reads a cart state of its own (a new line each read), so only the cap stops them.
    cart.carts.set(user, () => [line(P2, 1, 250)]);
    const payloads = await Promise.all(
      Array.from({ length: 12 }, (_, i) => checkout(shopper(user), { idempotencyKey: `burst-${i}` })),
    );
    const codes = payloads.map((payload) => payload.userErrors[0]?.code ?? 'PLACED');
    expect(codes.filter((code) => code === 'PLACED')).toHaveLength(5);
    expect(codes.filter((code) => code === 'TOO_MANY_PENDING_ORDERS')).toHaveLength(7);
    expect(await orderCount(user)).toBe(5);
    expect(await unpaidCount(user)).toBe(5);
  });

  it('does not count a retry of a placed order again', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 500)]);
    await checkout(shopper(user), { idempotencyKey: 'once' });
    await Promise.all([1, 2, 3].map(() => checkout(shopper(user), { idempotencyKey: 'once' })));
    expect(await unpaidCount(user)).toBe(1);
  });
});

describe('a cart is ordered at most once', () => {
  it('answers CART_EMPTY to a second checkout of the same lines under another key, one after the other or at once', async () => {
    const user = randomUUID();
    cart.carts.set(user, [line(P1, 1, 700)]);
    const first = await checkout(shopper(user), { idempotencyKey: 'tab-1' });
    expect(first.userErrors).toEqual([]);
    const second = await checkout(shopper(user), { idempotencyKey: 'tab-2' });
    expect(second.order).toBeNull();
    expect(second.userErrors.map((error) => error.code)).toEqual(['CART_EMPTY']);
    // The first key still gets its order back.
    expect((await checkout(shopper(user), { idempotencyKey: 'tab-1' })).order?.id).toBe(first.order?.id);

    const other = randomUUID();
    cart.carts.set(other, [line(P2, 3, 100)]);
    const racing = await Promise.all(
      ['a', 'b', 'c', 'd'].map((key) => checkout(shopper(other), { idempotencyKey: `click-${key}` })),
    );
    expect(racing.filter((payload) => payload.order !== null)).toHaveLength(1);
    expect(racing.flatMap((payload) => payload.userErrors.map((error) => error.code))).toEqual([
      'CART_EMPTY',
      'CART_EMPTY',
      'CART_EMPTY',
    ]);
    expect(await orderCount(other)).toBe(1);
  });

  it('lets the same lines be checked out again once their order was rejected, and a changed cart at once', async () => {
    const user = randomUUID();
    const lines = [line(P1, 2, 300)];
    cart.carts.set(user, lines);
    const rejected = await checkout(shopper(user), { idempotencyKey: 'first' });
    await transition(db.orm.em.fork(), rejected.order?.id ?? '', 'REJECTED', 'Insufficient stock');
    expect((await checkout(shopper(user), { idempotencyKey: 'retry-after-rejection' })).userErrors).toEqual([]);

    // The shopper changed the quantity: a new state of the cart, so a new order.
    cart.carts.set(user, [{ ...lines[0], quantity: 3 } as (typeof lines)[number]]);
    expect((await checkout(shopper(user), { idempotencyKey: 'changed' })).userErrors).toEqual([]);
  });
});

describe('order visibility and cancelling', () => {
  it("hides another shopper's order and refuses to cancel it", async () => {
    const owner = randomUUID();
    const other = randomUUID();
    cart.carts.set(owner, [line(P1, 1, 1000)]);
    const id = (await checkout(shopper(owner), { idempotencyKey: 'mine' })).order?.id ?? '';

    const seen = await run(ORDER, shopper(owner), { id });
    expect(seen.data?.['order']).toMatchObject({
      id,
      status: 'PENDING',
      lines: [{ quantity: 1, product: { id: P1 } }],
    });
    expect((await run(ORDER, shopper(other), { id })).data?.['order']).toBeNull();
    expect((await run(ORDER, { userId: other, roles: ['ADMIN'] }, { id })).data?.['order']).toMatchObject({ id });
    expect((await run(ORDER, shopper(owner), { id: 'not-a-uuid' })).data?.['order']).toBeNull();
    expect((await run(ORDER, shopper(owner), { id: randomUUID() })).data?.['order']).toBeNull();
    expect((await run(ORDER, null, { id })).errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');

    const refused = (await run(CANCEL, shopper(other), { input: { orderId: id } })).data?.['cancelOrder'] as Payload;
    expect(refused).toMatchObject({
      order: null,
      userErrors: [{ code: 'ORDER_NOT_FOUND', field: ['input', 'orderId'] }],
    });
    expect((await run(ORDER, shopper(owner), { id })).data?.['order']).toMatchObject({ status: 'PENDING' });
    expect(await outbox(id)).toHaveLength(2);
  });

  it('lets the owner cancel once, with the change recorded and published', async () => {
    const owner = randomUUID();
    cart.carts.set(owner, [line(P1, 1, 1000)]);
    const id = (await checkout(shopper(owner), { idempotencyKey: 'cancel' })).order?.id ?? '';
    const cancelled = (await run(CANCEL, shopper(owner), { input: { orderId: id } })).data?.['cancelOrder'] as Payload;
    expect(cancelled).toMatchObject({
      userErrors: [],
      order: {
        id,
        status: 'CANCELLED',
        statusHistory: [
          { status: 'PENDING', reason: null },
          { status: 'CANCELLED', reason: 'Cancelled by the shopper' },
        ],
      },
    });
    const events = await outbox(id);
    expect(events).toHaveLength(3);
    expect(events.map((event) => event.payload)).toContainEqual(
      expect.objectContaining({ sequence: 2, status: 'CANCELLED', previousStatus: 'PENDING' }),
    );
    const again = (await run(CANCEL, shopper(owner), { input: { orderId: id } })).data?.['cancelOrder'] as Payload;
    expect(again).toMatchObject({ order: null, userErrors: [{ code: 'ORDER_NOT_CANCELLABLE' }] });
    expect(await outbox(id)).toHaveLength(3);
  });
});

describe('myOrders', () => {
  it('walks every order exactly once, newest first, in pages', async () => {
    const user = randomUUID();
    const placed: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      cart.carts.set(user, [line(P1, i + 1, 100)]);
      const id = (await checkout(shopper(user), { idempotencyKey: `page-${i}` })).order?.id ?? '';
      placed.push(id);
      // Cancelled, so more orders than the unpaid cap can be listed; myOrders lists every status.
      await run(CANCEL, shopper(user), { input: { orderId: id } });
    }
    // Someone else's orders never show up.
    cart.carts.set(randomUUID(), [line(P1, 1, 100)]);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result = await run(MY_ORDERS, shopper(user), { first: 3, after });
      expect(result.errors).toBeUndefined();
      const connection = result.data?.['myOrders'] as {
        edges: { cursor: string; node: { id: string; statusHistory: unknown[] } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual([...placed].reverse());
  });

  it('loads lines and histories of a page in one query each', async () => {
    const user = randomUUID();
    for (let i = 0; i < 6; i += 1) {
      cart.carts.set(user, [line(P1, 1, 100), line(P2, 2, 100)]);
      const id = (await checkout(shopper(user), { idempotencyKey: `batch-${i}` })).order?.id ?? '';
      // Cancelled, so more orders than the unpaid cap can be listed.
      await run(CANCEL, shopper(user), { input: { orderId: id } });
    }
    const count = async (first: number): Promise<number> => {
      statements.length = 0;
      const result = await run(MY_ORDERS, shopper(user), { first });
      expect(result.errors).toBeUndefined();
      return statements.length;
    };
    const small = await count(2);
    const large = await count(6);
    expect(large).toBe(small);
    // page, lines, histories.
    expect(large).toBeLessThanOrEqual(3);
  });

  it('refuses a bad page size or cursor', async () => {
    const user = shopper(randomUUID());
    expect((await run(MY_ORDERS, user, { first: 0 })).errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect((await run(MY_ORDERS, user, { first: 101 })).errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect((await run(MY_ORDERS, user, { after: 'garbage' })).errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect((await run(MY_ORDERS, null, {})).errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
  });
});
