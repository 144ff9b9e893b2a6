import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse, type ExecutionResult } from 'graphql';
import {
  ORDER_SERVICE_ISSUER,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  generateAssertionKeyPair,
  signRouterAssertion,
  type Caller,
} from '@emporium/auth';
import { NotificationWatch, createOrm, migrate, type MikroORM } from '@emporium/db';
import type { DomainEvent, OrderStatus } from '@emporium/contracts';
import { createSubgraphServer, type SubgraphServer } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { CART_SNAPSHOT_PATH, fetchCartSnapshot } from '@emporium/service-api';
import { eventually } from '@emporium/testing';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import { orderPlacedEvent, orderStatusChangedEvent } from '@emporium/testing/events';
import { checkoutSnapshotRoute } from '../src/routes/checkout-snapshot.route.ts';
import { contextFactory } from '../src/context.ts';
import { entities } from '../src/entities/index.ts';
import { applyCatalogueMessages } from '../src/events/consumers/catalogue.consumer.ts';
import { migrations } from '../src/migrations/index.ts';
import { buildSchema } from '../src/schema.ts';
import { CartService } from '../src/services/cart.service.ts';
import { CATALOGUE_REPLICA_CHANNEL, CatalogueReplicaService } from '../src/services/catalogue-replica.service.ts';
import { InventoryService } from '../src/services/inventory.service.ts';

/**
 * The cart subgraph on a scratch database: the schema executed in-process for every cart
 * and stock mutation (and every way to get them wrong), the inventory side of the order
 * saga, the catalogue replica, the checkout snapshot route, and the N+1 guard.
 */
let database: ScratchDatabase;
let orm: MikroORM;
let server: SubgraphServer;
let baseUrl: string;
const statements: string[] = [];
const schema = buildSchema();
const logger = createLogger('test', { level: 'silent' });
const routerPair = generateAssertionKeyPair();
const router = assertionSigningKey(ROUTER_ISSUER, routerPair.privateKey);
const orderServicePair = generateAssertionKeyPair();
const orderService = assertionSigningKey(ORDER_SERVICE_ISSUER, orderServicePair.privateKey);
const carts = new CartService({ maxLineQuantity: 100 });
let watch: NotificationWatch;
let inventory: InventoryService;
const replica = new CatalogueReplicaService();

const shopper = (): Caller => ({ userId: randomUUID(), roles: ['SHOPPER'] });
const admin: Caller = { userId: randomUUID(), roles: ['SHOPPER', 'ADMIN'] };

const CART_FIELDS = `id totalQuantity subtotal { amount currencyCode }
  lines { id quantity addedAt unitPrice { amount currencyCode } lineTotal { amount } product { id inventory { available } } }`;
const MY_CART = parse(`query { cart { ${CART_FIELDS} } }`);
const ADD = parse(`mutation ($input: AddToCartInput!) {
  addToCart(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`);
const UPDATE = parse(`mutation ($input: UpdateCartLineInput!) {
  updateCartLine(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`);
const REMOVE = parse(`mutation ($input: RemoveCartLineInput!) {
  removeCartLine(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`);
const SET_STOCK = parse(`mutation ($input: SetStockInput!) {
  setStock(input: $input) { inventory { productId available inStock onHand reserved } userErrors { code field message } } }`);
const ENTITIES = parse(`query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id inventory { available inStock onHand reserved } } } }`);

interface CartData {
  id: string;
  totalQuantity: number;
  subtotal: { amount: string; currencyCode: string };
  lines: {
    id: string;
    quantity: number;
    unitPrice: { amount: string };
    lineTotal: { amount: string };
    product: { id: string; inventory: { available: number } };
  }[];
}
interface Payload {
  cart: CartData | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function run(
  document: ReturnType<typeof parse>,
  caller: Caller | null,
  variables: Record<string, unknown> = {},
): Promise<ExecutionResult> {
  const contextValue = contextFactory({ orm, carts, inventory })({ caller, requestId: 'test' });
  return execute({ schema, document, variableValues: variables, contextValue });
}

async function mutate(
  document: ReturnType<typeof parse>,
  caller: Caller | null,
  input: Record<string, unknown>,
): Promise<Payload> {
  const result = await run(document, caller, { input });
  expect(result.errors).toBeUndefined();
  return Object.values(result.data ?? {})[0] as Payload;
}

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().execute<T[]>(query, params);
}

/** A product in the catalogue replica, with stock. */
async function product(
  options: { price?: number; currency?: string; onHand?: number; reserved?: number; deleted?: boolean } = {},
) {
  const id = randomUUID();
  await sql(
    `insert into catalogue_products (product_id, name, price_minor, currency_code, deleted, lsn) values (?, 'Thing', ?, ?, ?, 1)`,
    [id, options.price ?? 1099, options.currency ?? 'USD', options.deleted ?? false],
  );
  if (options.onHand !== undefined) {
    await sql('insert into inventory (product_id, on_hand, reserved) values (?, ?, ?)', [
      id,
      options.onHand,
      options.reserved ?? 0,
    ]);
  }
  return id;
}

/** Everything a cart change could touch, to prove a refused one touched nothing. */
const state = async (): Promise<unknown> => ({
  carts: await sql('select id, updated_at from carts order by id'),
  lines: await sql('select id, cart_id, product_id, quantity from cart_lines order by id'),
  inventory: await sql('select product_id, on_hand, reserved from inventory order by product_id'),
});

async function expectRefused(
  document: ReturnType<typeof parse>,
  caller: Caller | null,
  input: Record<string, unknown>,
  code: string,
  field: string[] | null,
): Promise<Payload> {
  const before = await state();
  const payload = await mutate(document, caller, input);
  expect(payload.userErrors.map((error) => [error.code, error.field])).toContainEqual([code, field]);
  expect(await state()).toEqual(before);
  return payload;
}

beforeAll(async () => {
  database = await createScratchDatabase('cart');
  orm = await createOrm({ ...database, entities, migrations, logger, poolMax: 20, onQuery: (q) => statements.push(q) });
  await migrate(orm, database);
  watch = new NotificationWatch({ ...database, channel: CATALOGUE_REPLICA_CHANNEL, logger });
  // Short, so the unknown ids below answer soon; the production bound is 3 s.
  inventory = new InventoryService({ replica: watch, replicaWaitMs: 300 });
  server = await createSubgraphServer({
    name: 'cart',
    schema,
    routerKey: assertionVerificationKey(ROUTER_ISSUER, routerPair.publicKey),
    logger,
    context: contextFactory({ orm, carts, inventory }),
    routes: checkoutSnapshotRoute({
      orm,
      carts,
      orderServiceKey: assertionVerificationKey(ORDER_SERVICE_ISSUER, orderServicePair.publicKey),
      logger,
    }),
  });
  await server.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server.stop();
  await watch.close();
  await orm.close();
  await database.drop();
});

describe('the cart', () => {
  it('needs a signed-in shopper (guests have guest carts, see guest-cart.test.ts)', async () => {
    const result = await run(MY_CART, null);
    expect(result.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    const update = await run(UPDATE, null, { input: { lineId: randomUUID(), quantity: 1 } });
    expect(update.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
  });

  it('is empty, with the shopper id, before anything is added', async () => {
    const caller = shopper();
    const result = await run(MY_CART, caller);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['cart']).toEqual({
      id: caller.userId,
      totalQuantity: 0,
      subtotal: { amount: '0.00', currencyCode: 'USD' },
      lines: [],
    });
  });

  it('adds, merges, updates and removes lines, in the order they were added', async () => {
    const caller = shopper();
    const first = await product({ price: 1099, onHand: 10 });
    const second = await product({ price: 250, onHand: 5, reserved: 2 });

    let payload = await mutate(ADD, caller, { productId: first, quantity: 2 });
    expect(payload.userErrors).toEqual([]);
    payload = await mutate(ADD, caller, { productId: second, quantity: 3 });
    expect(payload.userErrors).toEqual([]);
    payload = await mutate(ADD, caller, { productId: first.toUpperCase(), quantity: 1 });
    expect(payload.userErrors).toEqual([]);
    const cart = payload.cart as CartData;
    expect(cart.id).toBe(caller.userId);
    expect(cart.lines.map((line) => [line.product.id, line.quantity])).toEqual([
      [first, 3],
      [second, 3],
    ]);
    expect(cart.totalQuantity).toBe(6);
    expect(cart.subtotal).toEqual({ amount: '40.47', currencyCode: 'USD' });
    expect(cart.lines[0]?.unitPrice.amount).toBe('10.99');
    expect(cart.lines[0]?.lineTotal.amount).toBe('32.97');
    expect(cart.lines[1]?.product.inventory.available).toBe(3);

    const secondLine = cart.lines[1]?.id as string;
    payload = await mutate(UPDATE, caller, { lineId: secondLine, quantity: 1 });
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart?.lines.map((line) => line.quantity)).toEqual([3, 1]);

    payload = await mutate(REMOVE, caller, { lineId: cart.lines[0]?.id });
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart?.lines.map((line) => line.id)).toEqual([secondLine]);
    expect(payload.cart?.subtotal.amount).toBe('2.50');
  });

  it('refuses every bad add and changes nothing', async () => {
    const caller = shopper();
    const id = await product({ onHand: 4 });
    const deleted = await product({ onHand: 4, deleted: true });
    const unstocked = await product();
    await mutate(ADD, caller, { productId: id, quantity: 1 });

    for (const quantity of [0, -3, 101]) {
      await expectRefused(ADD, caller, { productId: id, quantity }, 'INVALID_QUANTITY', ['input', 'quantity']);
    }
    for (const productId of [randomUUID(), 'not-a-uuid', "x' or 1=1 --", deleted]) {
      await expectRefused(ADD, caller, { productId, quantity: 1 }, 'PRODUCT_NOT_FOUND', ['input', 'productId']);
    }
    const short = await expectRefused(ADD, caller, { productId: id, quantity: 4 }, 'INSUFFICIENT_STOCK', [
      'input',
      'quantity',
    ]);
    expect(short.userErrors[0]?.message).toBe('Only 4 units are available');
    expect(short.cart).toBeNull();
    await expectRefused(ADD, caller, { productId: unstocked, quantity: 1 }, 'INSUFFICIENT_STOCK', [
      'input',
      'quantity',
    ]);
  });

  it('refuses a line beyond the per-line maximum when adding to it', async () => {
    const caller = shopper();
    const id = await product({ onHand: 1000 });
    await mutate(ADD, caller, { productId: id, quantity: 60 });
    await expectRefused(ADD, caller, { productId: id, quantity: 41 }, 'INVALID_QUANTITY', ['input', 'quantity']);
  });

  it('holds at most 100 different products', async () => {
    const caller = shopper();
    const ids = await sql<{ id: string }>(
      `insert into catalogue_products (product_id, name, price_minor, currency_code, lsn)
       select gen_random_uuid(), 'Many', 100, 'USD', 1 from generate_series(1, 101) returning product_id as id`,
    );
    await sql(
      `insert into inventory (product_id, on_hand) select product_id, 5 from catalogue_products where name = 'Many'`,
    );
    await sql('insert into carts (id) values (?)', [caller.userId]);
    await sql(
      `insert into cart_lines (id, cart_id, product_id, quantity) select gen_random_uuid(), ?, unnest(?::uuid[]), 1`,
      [
        caller.userId,
        `{${ids
          .slice(0, 100)
          .map((row) => row.id)
          .join(',')}}`,
      ],
    );
    await expectRefused(ADD, caller, { productId: ids[100]?.id, quantity: 1 }, 'INVALID_QUANTITY', [
      'input',
      'productId',
    ]);
    // A product already in the cart can still grow.
    const payload = await mutate(ADD, caller, { productId: ids[0]?.id, quantity: 1 });
    expect(payload.userErrors).toEqual([]);
  });

  it('refuses bad line updates and removals and changes nothing', async () => {
    const owner = shopper();
    const other = shopper();
    const id = await product({ onHand: 5 });
    const payload = await mutate(ADD, owner, { productId: id, quantity: 2 });
    const lineId = payload.cart?.lines[0]?.id as string;
    await mutate(ADD, other, { productId: id, quantity: 1 });

    for (const bad of [randomUUID(), 'nope']) {
      await expectRefused(UPDATE, owner, { lineId: bad, quantity: 1 }, 'LINE_NOT_FOUND', ['input', 'lineId']);
      await expectRefused(REMOVE, owner, { lineId: bad }, 'LINE_NOT_FOUND', ['input', 'lineId']);
    }
    // Another shopper's line is as good as missing.
    await expectRefused(UPDATE, other, { lineId, quantity: 1 }, 'LINE_NOT_FOUND', ['input', 'lineId']);
    await expectRefused(REMOVE, other, { lineId }, 'LINE_NOT_FOUND', ['input', 'lineId']);
    for (const quantity of [0, -1, 101]) {
      await expectRefused(UPDATE, owner, { lineId, quantity }, 'INVALID_QUANTITY', ['input', 'quantity']);
    }
    const short = await expectRefused(UPDATE, owner, { lineId, quantity: 6 }, 'INSUFFICIENT_STOCK', [
      'input',
      'quantity',
    ]);
    expect(short.userErrors[0]?.message).toBe('Only 5 units are available');
  });

  it('never creates two lines for one product under concurrent adds', async () => {
    const caller = shopper();
    const id = await product({ onHand: 100 });
    const payloads = await Promise.all(
      Array.from({ length: 10 }, () => mutate(ADD, caller, { productId: id, quantity: 2 })),
    );
    expect(payloads.every((payload) => payload.userErrors.length === 0)).toBe(true);
    const lines = await sql<{ quantity: number }>('select quantity from cart_lines where cart_id = ?', [caller.userId]);
    expect(lines).toEqual([{ quantity: 20 }]);
  });
});

describe('one currency per cart', () => {
  const CURRENCY_CART = parse(`query { cart { subtotal { amount currencyCode } mixedCurrencies lines { id } } }`);

  it('refuses a product priced in another currency, naming it, and changes nothing', async () => {
    const caller = shopper();
    const dollars = await product({ price: 1000, onHand: 10 });
    const euros = await product({ price: 500, currency: 'EUR', onHand: 10 });
    expect((await mutate(ADD, caller, { productId: dollars, quantity: 1 })).userErrors).toEqual([]);

    const payload = await expectRefused(ADD, caller, { productId: euros, quantity: 1 }, 'MIXED_CURRENCIES', [
      'input',
      'productId',
    ]);
    expect(payload.userErrors[0]?.message).toContain('EUR');
    expect(payload.cart).toBeNull();
    const cart = (await run(CURRENCY_CART, caller)).data?.['cart'];
    expect(cart).toMatchObject({ subtotal: { amount: '10.00', currencyCode: 'USD' }, mixedCurrencies: false });
  });

  it('never adds another currency into the subtotal when a price change switches a line’s currency', async () => {
    const caller = shopper();
    const first = await product({ price: 1000, onHand: 10 });
    const second = await product({ price: 250, onHand: 10 });
    await mutate(ADD, caller, { productId: first, quantity: 1 });
    await mutate(ADD, caller, { productId: second, quantity: 2 });
    await replica.apply({ em: orm.em.fork() }, [
      { productId: second, lsn: 2, product: { name: 'Thing', priceMinor: 300, currencyCode: 'EUR' } },
    ]);

    const cart = (await run(CURRENCY_CART, caller)).data?.['cart'] as { lines: unknown[] };
    expect(cart).toMatchObject({ subtotal: { amount: '10.00', currencyCode: 'USD' }, mixedCurrencies: true });
    expect(cart.lines).toHaveLength(2);
    // More of the switched product would deepen the mix: refused until the cart is one currency again.
    await expectRefused(ADD, caller, { productId: second, quantity: 1 }, 'MIXED_CURRENCIES', ['input', 'productId']);
  });
});

describe('setStock', () => {
  it('is for admins only', async () => {
    const id = await product();
    const anonymous = await run(SET_STOCK, null, { input: { productId: id, quantity: 1 } });
    expect(anonymous.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    const forbidden = await run(SET_STOCK, shopper(), { input: { productId: id, quantity: 1 } });
    expect(forbidden.errors?.[0]?.extensions['code']).toBe('FORBIDDEN');
    expect(await sql('select 1 from inventory where product_id = ?', [id])).toEqual([]);
  });

  it('sets the units on hand, creating the stock row on first use', async () => {
    const id = await product();
    let payload = (await mutate(SET_STOCK, admin, { productId: id, quantity: 7 })) as unknown as {
      inventory: Record<string, unknown>;
      userErrors: unknown[];
    };
    expect(payload).toEqual({
      inventory: { productId: id, available: 7, inStock: true, onHand: 7, reserved: 0 },
      userErrors: [],
    });
    payload = (await mutate(SET_STOCK, admin, { productId: id, quantity: 0 })) as unknown as typeof payload;
    expect(payload.inventory).toMatchObject({ available: 0, inStock: false, onHand: 0 });
  });

  it('sets stock for a product the admin has just created, once the replica has it', async () => {
    const id = randomUUID();
    let answered = false;
    const pending = mutate(SET_STOCK, admin, { productId: id, quantity: 4 }).finally(() => {
      answered = true;
    });
    // The replica learns of the product only once setStock has looked and found nothing:
    // the lag a CDC replica has behind createProduct.
    await eventually(async () => (answered || watch.waiting > 0 ? true : undefined), { intervalMs: 5 });
    await replica.apply({ em: orm.em.fork() }, [
      { productId: id, lsn: 1, product: { name: 'New', priceMinor: 100, currencyCode: 'USD' } },
    ]);
    const payload = (await pending) as unknown as { inventory: Record<string, unknown>; userErrors: unknown[] };
    expect(payload.userErrors).toEqual([]);
    expect(payload.inventory).toMatchObject({ productId: id, onHand: 4 });
  });

  it('refuses bad levels and unknown products and changes nothing', async () => {
    const id = await product({ onHand: 10, reserved: 6 });
    const deleted = await product({ deleted: true });
    for (const quantity of [-1, 1_000_001]) {
      await expectRefused(SET_STOCK, admin, { productId: id, quantity }, 'INVALID_QUANTITY', ['input', 'quantity']);
    }
    const below = await expectRefused(SET_STOCK, admin, { productId: id, quantity: 5 }, 'INVALID_QUANTITY', [
      'input',
      'quantity',
    ]);
    expect(below.userErrors[0]?.message).toContain('6 units are reserved');
    for (const productId of [randomUUID(), 'junk', deleted]) {
      await expectRefused(SET_STOCK, admin, { productId, quantity: 5 }, 'PRODUCT_NOT_FOUND', ['input', 'productId']);
    }
    const exact = await mutate(SET_STOCK, admin, { productId: id, quantity: 6 });
    expect(exact.userErrors).toEqual([]);
  });
});

describe('product inventory', () => {
  it('shows on hand and reserved to admins only, and 0 for products never stocked', async () => {
    const stocked = await product({ onHand: 9, reserved: 4 });
    const unstocked = randomUUID();
    const representations = [
      { __typename: 'Product', id: stocked },
      { __typename: 'Product', id: unstocked },
    ];
    const asShopper = await run(ENTITIES, shopper(), { representations });
    expect(asShopper.errors).toBeUndefined();
    expect(asShopper.data?.['_entities']).toEqual([
      { id: stocked, inventory: { available: 5, inStock: true, onHand: null, reserved: null } },
      { id: unstocked, inventory: { available: 0, inStock: false, onHand: null, reserved: null } },
    ]);
    const asAdmin = await run(ENTITIES, admin, { representations });
    expect((asAdmin.data?.['_entities'] as unknown[])[0]).toMatchObject({ inventory: { onHand: 9, reserved: 4 } });
  });

  it('reads the stock of a whole page of products in one query', async () => {
    const count = async (n: number): Promise<number> => {
      const ids = await Promise.all(Array.from({ length: n }, () => product({ onHand: 3 })));
      statements.length = 0;
      const result = await run(ENTITIES, null, { representations: ids.map((id) => ({ __typename: 'Product', id })) });
      expect(result.errors).toBeUndefined();
      expect((result.data?.['_entities'] as unknown[]).length).toBe(n);
      return statements.length;
    };
    expect(await count(5)).toBe(1);
    expect(await count(40)).toBe(1);
  });
});

const orderPlaced = (userId: string, lines: { productId: string; quantity: number }[], orderId = randomUUID()) =>
  orderPlacedEvent({ orderId, userId, lines });

const statusChanged = (orderId: string, status: OrderStatus, sequence = 3) =>
  orderStatusChangedEvent({ orderId, sequence, status, previousStatus: 'AWAITING_PAYMENT' });

const stockOf = async (id: string) =>
  (
    await sql<{ on_hand: number; reserved: number }>('select on_hand, reserved from inventory where product_id = ?', [
      id,
    ])
  )[0];
const reservationOf = async (orderId: string) =>
  (await sql<{ status: string }>('select status from reservations where order_id = ?', [orderId]))[0]?.status;
const outboxOf = async (orderId: string) =>
  sql<{ type: string; payload: unknown }>(
    'select type, payload from outbox where aggregateid = ? order by created_at, type',
    [orderId],
  );
const handle = (event: DomainEvent) => inventory.handle({ em: orm.em.fork() }, event);

describe('the inventory side of the order saga', () => {
  it('reserves every line, takes bought units out of the cart, then commits on payment', async () => {
    const caller = shopper();
    const a = await product({ onHand: 10 });
    const b = await product({ onHand: 5 });
    await mutate(ADD, caller, { productId: a, quantity: 3 });
    await mutate(ADD, caller, { productId: b, quantity: 2 });
    const placed = orderPlaced(caller.userId, [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 2 },
    ]);
    const orderId = placed.payload.orderId;

    expect(await handle(placed)).toBe('reserved');
    expect(await handle(placed)).toBe('duplicate');
    expect(await stockOf(a)).toEqual({ on_hand: 10, reserved: 2 });
    expect(await stockOf(b)).toEqual({ on_hand: 5, reserved: 2 });
    expect(await reservationOf(orderId)).toBe('HELD');
    expect(
      await sql('select product_id, quantity from cart_lines where cart_id = ? order by created_at', [caller.userId]),
    ).toEqual([{ product_id: a, quantity: 1 }]);
    expect((await outboxOf(orderId)).map((row) => row.type)).toEqual(['StockReserved']);

    const paid = statusChanged(orderId, 'PAID');
    expect(await handle(paid)).toBe('committed');
    expect(await handle(paid)).toBe('duplicate');
    // A late cancellation finds no held reservation.
    expect(await handle(statusChanged(orderId, 'CANCELLED'))).toBe('ignored');
    expect(await stockOf(a)).toEqual({ on_hand: 8, reserved: 0 });
    expect(await stockOf(b)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await reservationOf(orderId)).toBe('COMMITTED');
    expect((await outboxOf(orderId)).map((row) => row.type).sort()).toEqual(['StockCommitted', 'StockReserved']);
  });

  it('releases a held reservation when the order is cancelled or expires', async () => {
    const a = await product({ onHand: 4 });
    for (const status of ['CANCELLED', 'EXPIRED'] as const) {
      const placed = orderPlaced(randomUUID(), [{ productId: a, quantity: 3 }]);
      expect(await handle(placed)).toBe('reserved');
      expect(await stockOf(a)).toEqual({ on_hand: 4, reserved: 3 });
      const release = statusChanged(placed.payload.orderId, status);
      expect(await handle(release)).toBe('released');
      expect(await handle(release)).toBe('duplicate');
      expect(await handle(statusChanged(placed.payload.orderId, 'PAID'))).toBe('ignored');
      expect(await stockOf(a)).toEqual({ on_hand: 4, reserved: 0 });
      expect(await reservationOf(placed.payload.orderId)).toBe('RELEASED');
      const released = (await outboxOf(placed.payload.orderId)).find((row) => row.type === 'StockReleased');
      expect(released?.payload).toMatchObject({ reason: status });
    }
  });

  it('rejects the whole order when one line is short, keeping the cart and every other line', async () => {
    const caller = shopper();
    const plenty = await product({ onHand: 10 });
    const scarce = await product({ onHand: 3, reserved: 2 });
    await mutate(ADD, caller, { productId: plenty, quantity: 1 });
    const placed = orderPlaced(caller.userId, [
      { productId: plenty, quantity: 1 },
      { productId: scarce, quantity: 2 },
    ]);
    expect(await handle(placed)).toBe('rejected');
    expect(await handle(placed)).toBe('duplicate');
    expect(await stockOf(plenty)).toEqual({ on_hand: 10, reserved: 0 });
    expect(await stockOf(scarce)).toEqual({ on_hand: 3, reserved: 2 });
    expect(await reservationOf(placed.payload.orderId)).toBe('REJECTED');
    expect(await sql('select quantity from cart_lines where cart_id = ?', [caller.userId])).toEqual([{ quantity: 1 }]);
    const outbox = await outboxOf(placed.payload.orderId);
    expect(outbox.map((row) => row.type)).toEqual(['StockReservationRejected']);
    expect(outbox[0]?.payload).toMatchObject({ shortages: [{ productId: scarce, requested: 2, available: 1 }] });
    // Nothing was held, so a later cancellation releases nothing.
    expect(await handle(statusChanged(placed.payload.orderId, 'CANCELLED'))).toBe('ignored');
  });

  it('holds exactly the stock there is under 50 concurrent orders', async () => {
    const id = await product({ onHand: 10 });
    const orders = Array.from({ length: 50 }, () => orderPlaced(randomUUID(), [{ productId: id, quantity: 1 }]));
    const outcomes = await Promise.all(orders.map((order) => handle(order)));
    expect(outcomes.filter((outcome) => outcome === 'reserved')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'rejected')).toHaveLength(40);
    expect(await stockOf(id)).toEqual({ on_hand: 10, reserved: 10 });
    const held = await sql<{ count: number }>(
      `select count(*)::int as count from reservations where status = 'HELD' and order_id in (?)`,
      [orders.map((order) => order.payload.orderId)],
    );
    expect(held[0]?.count).toBe(10);
  });
});

const envelope = (op: 'c' | 'u' | 'd' | 'r', lsn: number, row: Record<string, unknown>): string =>
  JSON.stringify({
    op,
    before: op === 'd' ? row : null,
    after: op === 'd' ? null : row,
    source: { lsn, table: 'products' },
  });

describe('the catalogue replica', () => {
  it('keeps each product at its newest change, whatever order the changes arrive in', async () => {
    const id = randomUUID();
    const gone = randomUUID();
    const row = (name: string, price: number) => ({ id, name, price_minor: price, currency_code: 'USD', brand: 'B' });
    const apply = (values: (string | null)[]) => applyCatalogueMessages({ em: orm.em.fork() }, replica, values, logger);
    const read = async (productId: string) =>
      (
        await sql<{ name: string; price_minor: string; deleted: boolean; lsn: string }>(
          'select name, price_minor, deleted, lsn from catalogue_products where product_id = ?',
          [productId],
        )
      )[0];

    // Within one batch the newest wins; a tombstone and an unreadable message are skipped.
    expect(
      await apply([envelope('r', 100, row('Snapshot', 1000)), null, '{oops', envelope('u', 300, row('New', 3000))]),
    ).toBe(1);
    expect(await read(id)).toEqual({ name: 'New', price_minor: '3000', deleted: false, lsn: '300' });
    // An older change delivered later (a replay) changes nothing.
    expect(await apply([envelope('u', 200, row('Old', 2000))])).toBe(0);
    expect(await read(id)).toMatchObject({ name: 'New', lsn: '300' });
    // A delete keeps the row, flagged, at its own position; an older update cannot revive it.
    expect(await apply([envelope('d', 400, { id })])).toBe(1);
    expect(await apply([envelope('u', 350, row('Zombie', 1))])).toBe(0);
    expect(await read(id)).toEqual({ name: 'New', price_minor: '3000', deleted: true, lsn: '400' });
    // A delete of a product never seen leaves a flagged row that an older create cannot revive.
    await apply([envelope('d', 500, { id: gone })]);
    await apply([envelope('c', 450, { ...row('Late', 5), id: gone })]);
    expect(await read(gone)).toMatchObject({ deleted: true, lsn: '500' });
    const cart = await mutate(ADD, shopper(), { productId: id, quantity: 1 });
    expect(cart.userErrors[0]?.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('loads thousands of products in one statement', async () => {
    const values = Array.from({ length: 2000 }, (_, i) =>
      envelope('r', 1000, { id: randomUUID(), name: `Bulk ${i}? 'quoted'`, price_minor: i, currency_code: 'USD' }),
    );
    statements.length = 0;
    expect(await applyCatalogueMessages({ em: orm.em.fork() }, replica, values, logger)).toBe(2000);
    expect(statements).toHaveLength(1);
  });
});

describe('the checkout snapshot', () => {
  it('answers the asserted shopper cart, with null prices for products no longer sold', async () => {
    const caller = shopper();
    const kept = await product({ price: 500, onHand: 5 });
    const dropped = await product({ price: 700, onHand: 5 });
    await mutate(ADD, caller, { productId: kept, quantity: 2 });
    await mutate(ADD, caller, { productId: dropped, quantity: 1 });
    await sql('update catalogue_products set deleted = true, lsn = lsn + 1 where product_id = ?', [dropped]);

    const snapshot = await fetchCartSnapshot({ cartServiceUrl: baseUrl, signingKey: orderService, caller });
    expect(snapshot.userId).toBe(caller.userId);
    expect(snapshot.lines.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice }))).toEqual([
      { productId: kept, quantity: 2, unitPrice: { amountMinor: 500, currencyCode: 'USD' } },
      { productId: dropped, quantity: 1, unitPrice: null },
    ]);
    // The API shows only what can still be bought.
    const cart = await run(MY_CART, caller);
    expect((cart.data?.['cart'] as CartData).lines.map((line) => line.product.id)).toEqual([kept]);

    const empty = await fetchCartSnapshot({ cartServiceUrl: baseUrl, signingKey: orderService, caller: shopper() });
    expect(empty.lines).toEqual([]);
  });

  it('answers 401 without a valid assertion', async () => {
    const missing = await fetch(`${baseUrl}${CART_SNAPSHOT_PATH}`);
    expect(missing.status).toBe(401);
    const wrongAudience = await signRouterAssertion(orderService, 'order', { caller: shopper(), requestId: 'x' });
    const forged = await fetch(`${baseUrl}${CART_SNAPSHOT_PATH}`, {
      headers: { 'x-emporium-router-assertion': wrongAudience },
    });
    expect(forged.status).toBe(401);
    // The router's key opens the cart's GraphQL API, not the order service's internal one.
    const fromRouter = await signRouterAssertion(router, 'cart', { caller: shopper(), requestId: 'x' });
    const routerAsOrder = await fetch(`${baseUrl}${CART_SNAPSHOT_PATH}`, {
      headers: { 'x-emporium-router-assertion': fromRouter },
    });
    expect(routerAsOrder.status).toBe(401);
    const anonymous = await signRouterAssertion(orderService, 'cart', { caller: null, requestId: 'x' });
    const noSubject = await fetch(`${baseUrl}${CART_SNAPSHOT_PATH}`, {
      headers: { 'x-emporium-router-assertion': anonymous },
    });
    expect(noSubject.status).toBe(401);
  });
});
