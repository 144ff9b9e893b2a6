import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Caller } from '@emporium/auth';
import { createOrm, migrate, type MikroORM } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import { contextFactory } from '../src/context.ts';
import { entities } from '../src/entities/index.ts';
import { expireGuestCarts } from '../src/jobs/guest-cart-expiry.job.ts';
import { migrations } from '../src/migrations/index.ts';
import { buildSchema } from '../src/schema.ts';
import { CartService } from '../src/services/cart.service.ts';
import { InventoryService } from '../src/services/inventory.service.ts';

/**
 * Guest carts on a scratch database, the schema executed in-process: a guest fills a cart by
 * its id alone, nobody reaches a cart through a user id, mergeGuestCart moves the lines once
 * (capped by stock and the per-line maximum) however many merges race, and the expiry job
 * deletes only guest carts left alone for too long.
 */
let database: ScratchDatabase;
let orm: MikroORM;
const schema = buildSchema();
const logger = createLogger('test', { level: 'silent' });
const carts = new CartService({ maxLineQuantity: 100 });
const inventory = new InventoryService();

const shopper = (): Caller => ({ userId: randomUUID(), roles: ['SHOPPER'] });

const CART_FIELDS = 'id totalQuantity subtotal { amount } lines { id quantity product { id } }';
const CART = parse(`query ($id: ID) { cart(id: $id) { ${CART_FIELDS} } }`);
const payload = (field: string, input: string): DocumentNode =>
  parse(
    `mutation ($input: ${input}!) { ${field}(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`,
  );
const ADD = payload('addToCart', 'AddToCartInput');
const UPDATE = payload('updateCartLine', 'UpdateCartLineInput');
const REMOVE = payload('removeCartLine', 'RemoveCartLineInput');
const MERGE = payload('mergeGuestCart', 'MergeGuestCartInput');

interface CartData {
  id: string;
  totalQuantity: number;
  subtotal: { amount: string };
  lines: { id: string; quantity: number; product: { id: string } }[];
}
interface Payload {
  cart: CartData | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function run(
  document: DocumentNode,
  caller: Caller | null,
  variables: Record<string, unknown> = {},
): Promise<ExecutionResult> {
  const contextValue = contextFactory({ orm, carts, inventory })({ caller, requestId: 'test' });
  return execute({ schema, document, variableValues: variables, contextValue });
}

async function mutate(document: DocumentNode, caller: Caller | null, input: Record<string, unknown>): Promise<Payload> {
  const result = await run(document, caller, { input });
  expect(result.errors).toBeUndefined();
  return Object.values(result.data ?? {})[0] as Payload;
}

/** The cart `cart(id:)` answers, or the code of its error. */
async function cartById(id: string, caller: Caller | null = null): Promise<CartData | string> {
  const result = await run(CART, caller, { id });
  if (result.errors) return String(result.errors[0]?.extensions['code']);
  return result.data?.['cart'] as CartData;
}

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().execute<T[]>(query, params);
}

/** A product in the catalogue replica with `onHand` units in stock. */
async function product(onHand: number, price = 1000): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into catalogue_products (product_id, name, price_minor, currency_code, lsn) values (?, 'Thing', ?, 'USD', 1)`,
    [id, price],
  );
  await sql('insert into inventory (product_id, on_hand) values (?, ?)', [id, onHand]);
  return id;
}

/** Everything a cart change could touch, to prove a refused one touched nothing. */
const state = async (): Promise<unknown> => ({
  carts: await sql('select id, guest, updated_at from carts order by id'),
  lines: await sql('select id, cart_id, product_id, quantity from cart_lines order by id'),
});

/** A new guest cart holding `quantity` of each product, in that order; returns its id and lines. */
async function guestCart(...items: [productId: string, quantity: number][]): Promise<CartData> {
  let cart: CartData | null = null;
  for (const [productId, quantity] of items) {
    const added = await mutate(ADD, null, { productId, quantity, ...(cart ? { cartId: cart.id } : {}) });
    expect(added.userErrors).toEqual([]);
    cart = added.cart;
  }
  if (!cart) throw new Error('a guest cart needs at least one line');
  return cart;
}

const quantities = (cart: CartData | null | undefined): [string, number][] =>
  (cart?.lines ?? []).map((line) => [line.product.id, line.quantity]);

beforeAll(async () => {
  database = await createScratchDatabase('guest_cart');
  orm = await createOrm({ ...database, entities, migrations, logger, poolMax: 20 });
  await migrate(orm, database);
});

afterAll(async () => {
  await orm.close();
  await database.drop();
});

describe('a guest cart', () => {
  it('is created by a guest’s first add and then reached by its id alone', async () => {
    const first = await product(10, 1099);
    const second = await product(5, 250);

    const created = await mutate(ADD, null, { productId: first, quantity: 2 });
    expect(created.userErrors).toEqual([]);
    const cartId = created.cart?.id as string;
    expect(cartId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await sql('select guest from carts where id = ?', [cartId])).toEqual([{ guest: true }]);

    let changed = await mutate(ADD, null, { productId: second, quantity: 3, cartId });
    expect(changed.cart?.id).toBe(cartId);
    changed = await mutate(ADD, null, { productId: first, quantity: 1, cartId: cartId.toUpperCase() });
    expect(quantities(changed.cart)).toEqual([
      [first, 3],
      [second, 3],
    ]);
    expect(changed.cart?.subtotal.amount).toBe('40.47');

    const [firstLine, secondLine] = changed.cart?.lines ?? [];
    changed = await mutate(UPDATE, null, { lineId: secondLine?.id, quantity: 1, cartId });
    expect(changed.userErrors).toEqual([]);
    changed = await mutate(REMOVE, null, { lineId: firstLine?.id, cartId });
    expect(changed.userErrors).toEqual([]);
    expect(quantities(changed.cart)).toEqual([[second, 1]]);

    // Anyone holding the id reads it, signed in or not.
    expect(await cartById(cartId)).toEqual(changed.cart);
    expect(await cartById(cartId, shopper())).toEqual(changed.cart);
    // A new guest without the id gets a cart of their own.
    const other = await mutate(ADD, null, { productId: first, quantity: 1 });
    expect(other.cart?.id).not.toBe(cartId);
  });

  it('is not created by a refused add', async () => {
    const scarce = await product(1);
    const before = await state();
    const refused = await mutate(ADD, null, { productId: scarce, quantity: 2 });
    expect(refused).toMatchObject({ cart: null, userErrors: [{ code: 'INSUFFICIENT_STOCK' }] });
    expect(await state()).toEqual(before);
  });

  it('cannot be changed without its id, nor lines of another cart through it', async () => {
    const id = await product(10);
    const cart = await guestCart([id, 1]);
    const owner = shopper();
    const ownLine = (await mutate(ADD, owner, { productId: id, quantity: 1 })).cart?.lines[0]?.id;
    const before = await state();

    const anonymousUpdate = await run(UPDATE, null, { input: { lineId: cart.lines[0]?.id, quantity: 2 } });
    expect(anonymousUpdate.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    const anonymousRemove = await run(REMOVE, null, { input: { lineId: cart.lines[0]?.id } });
    expect(anonymousRemove.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    expect((await run(CART, null)).errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    // A shopper's line through a guest cart is as good as missing.
    const foreign = await mutate(UPDATE, null, { lineId: ownLine, quantity: 2, cartId: cart.id });
    expect(foreign.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['LINE_NOT_FOUND', ['input', 'lineId']],
    ]);
    expect(await state()).toEqual(before);
  });

  it('answers CART_NOT_FOUND for any id that is not a guest cart’s, a user id above all', async () => {
    const id = await product(10);
    const victim = shopper();
    await mutate(ADD, victim, { productId: id, quantity: 2 });
    const guest = await guestCart([id, 1]);
    const intruder = shopper();
    const before = await state();

    for (const cartId of [victim.userId, randomUUID(), 'not-a-uuid', "x' or 1=1 --"]) {
      for (const [document, input] of [
        [ADD, { productId: id, quantity: 1, cartId }],
        [UPDATE, { lineId: randomUUID(), quantity: 1, cartId }],
        [REMOVE, { lineId: randomUUID(), cartId }],
      ] as const) {
        for (const caller of [null, intruder]) {
          const refused = await mutate(document, caller, input);
          expect(refused.cart).toBeNull();
          expect(refused.userErrors.map((error) => [error.code, error.field])).toContainEqual([
            'CART_NOT_FOUND',
            ['input', 'cartId'],
          ]);
        }
      }
      expect(await cartById(cartId)).toBe('CART_NOT_FOUND');
      expect(await cartById(cartId, intruder)).toBe('CART_NOT_FOUND');
    }
    // Signed in, a guest cart is changed only by merging it.
    const signedIn = await mutate(ADD, intruder, { productId: id, quantity: 1, cartId: guest.id });
    expect(signedIn.userErrors.map((error) => error.code)).toEqual(['CART_NOT_FOUND']);
    expect(await state()).toEqual(before);

    // The shopper's own cart id is the shopper's own cart.
    expect(quantities((await cartById(victim.userId, victim)) as CartData)).toEqual([[id, 2]]);
    const own = await mutate(ADD, victim, { productId: id, quantity: 1, cartId: victim.userId });
    expect(quantities(own.cart)).toEqual([[id, 3]]);
  });

  it('is never checked out: the checkout snapshot reads shoppers’ carts only', async () => {
    const id = await product(10);
    const guest = await guestCart([id, 2]);
    const snapshot = await carts.snapshot({ em: orm.em.fork() }, guest.id);
    expect(snapshot.lines).toEqual([]);
  });
});

describe('mergeGuestCart', () => {
  it('adds the guest’s lines to the shopper’s, then the guest cart is gone', async () => {
    const both = await product(20, 500);
    const guestOnly = await product(20, 300);
    const shopperOnly = await product(20, 100);
    const caller = shopper();
    await mutate(ADD, caller, { productId: shopperOnly, quantity: 1 });
    await mutate(ADD, caller, { productId: both, quantity: 2 });
    const guest = await guestCart([guestOnly, 4], [both, 3]);

    const merged = await mutate(MERGE, caller, { cartId: guest.id });
    expect(merged.userErrors).toEqual([]);
    expect(merged.cart?.id).toBe(caller.userId);
    expect(quantities(merged.cart)).toEqual([
      [shopperOnly, 1],
      [both, 5],
      [guestOnly, 4],
    ]);
    expect(merged.cart?.subtotal.amount).toBe('38.00');
    expect(await cartById(guest.id)).toBe('CART_NOT_FOUND');
    expect(await sql('select id from cart_lines where cart_id = ?', [guest.id])).toEqual([]);
  });

  it('caps a line by stock with INSUFFICIENT_STOCK naming the guest line, and by the per-line maximum', async () => {
    const scarce = await product(4);
    const gone = await product(1);
    const plenty = await product(1000);
    const caller = shopper();
    await mutate(ADD, caller, { productId: scarce, quantity: 2 });
    await mutate(ADD, caller, { productId: plenty, quantity: 60 });
    const guest = await guestCart([scarce, 3], [gone, 1], [plenty, 60]);
    // Stock falls after the guest filled the cart.
    await sql('update inventory set on_hand = 0 where product_id = ?', [gone]);
    const lineOf = (id: string): string => guest.lines.find((line) => line.product.id === id)?.id as string;

    const merged = await mutate(MERGE, caller, { cartId: guest.id });
    expect(quantities(merged.cart)).toEqual([
      [scarce, 4],
      [plenty, 100],
    ]);
    expect(merged.userErrors).toEqual([
      {
        code: 'INSUFFICIENT_STOCK',
        field: ['input', 'cartId', 'lines', lineOf(scarce)],
        message: '2 of 3 units moved: only 4 available',
      },
      {
        code: 'INSUFFICIENT_STOCK',
        field: ['input', 'cartId', 'lines', lineOf(gone)],
        message: '0 of 1 unit moved: the product is out of stock',
      },
      {
        code: 'INVALID_QUANTITY',
        field: ['input', 'cartId', 'lines', lineOf(plenty)],
        message: '40 of 60 units moved: a cart line holds at most 100',
      },
    ]);
    expect(await cartById(guest.id)).toBe('CART_NOT_FOUND');
  });

  it('leaves out a guest line priced in another currency than the shopper’s cart, with MIXED_CURRENCIES', async () => {
    const dollars = await product(10, 500);
    const euros = await product(10, 300);
    const alsoDollars = await product(10, 100);
    const caller = shopper();
    await mutate(ADD, caller, { productId: dollars, quantity: 1 });
    const guest = await guestCart([alsoDollars, 1], [euros, 2]);
    // A price change moves one of the guest's products to euros after it went into the cart.
    await sql(`update catalogue_products set currency_code = 'EUR' where product_id = ?`, [euros]);
    const euroLine = guest.lines.find((line) => line.product.id === euros)?.id as string;

    const merged = await mutate(MERGE, caller, { cartId: guest.id });
    expect(quantities(merged.cart)).toEqual([
      [dollars, 1],
      [alsoDollars, 1],
    ]);
    expect(merged.cart?.subtotal.amount).toBe('6.00');
    expect(merged.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['MIXED_CURRENCIES', ['input', 'cartId', 'lines', euroLine]],
    ]);
  });

  it('changes nothing the second time', async () => {
    const id = await product(10);
    const caller = shopper();
    const guest = await guestCart([id, 2]);
    expect((await mutate(MERGE, caller, { cartId: guest.id })).userErrors).toEqual([]);
    const before = await state();
    const again = await mutate(MERGE, caller, { cartId: guest.id });
    expect(again).toMatchObject({ cart: null, userErrors: [{ code: 'CART_NOT_FOUND', field: ['input', 'cartId'] }] });
    expect(await state()).toEqual(before);
    expect(quantities((await cartById(caller.userId, caller)) as CartData)).toEqual([[id, 2]]);
  });

  it('counts the lines once when merges of one guest cart race, into one shopper or several', async () => {
    const id = await product(100);
    const caller = shopper();
    await mutate(ADD, caller, { productId: id, quantity: 1 });
    const guest = await guestCart([id, 3]);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => mutate(MERGE, caller, { cartId: guest.id })));
    expect(outcomes.filter((outcome) => outcome.userErrors.length === 0)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.userErrors[0]?.code === 'CART_NOT_FOUND')).toHaveLength(7);
    expect(await sql('select quantity from cart_lines where cart_id = ?', [caller.userId])).toEqual([{ quantity: 4 }]);

    const contested = await guestCart([id, 2]);
    const rivals = Array.from({ length: 4 }, shopper);
    const results = await Promise.all(rivals.map((rival) => mutate(MERGE, rival, { cartId: contested.id })));
    expect(results.filter((result) => result.userErrors.length === 0)).toHaveLength(1);
    const moved = await sql<{ quantity: number }>('select quantity from cart_lines where cart_id in (?)', [
      rivals.map((rival) => rival.userId),
    ]);
    expect(moved).toEqual([{ quantity: 2 }]);
  });

  it('needs a token, and takes only guest carts', async () => {
    const id = await product(10);
    const guest = await guestCart([id, 1]);
    const victim = shopper();
    await mutate(ADD, victim, { productId: id, quantity: 2 });
    const caller = shopper();
    const before = await state();

    const anonymous = await run(MERGE, null, { input: { cartId: guest.id } });
    expect(anonymous.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    for (const cartId of [victim.userId, caller.userId, randomUUID(), 'junk']) {
      const refused = await mutate(MERGE, caller, { cartId });
      expect(refused).toEqual({
        cart: null,
        userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND', field: ['input', 'cartId'] })],
      });
    }
    expect(await state()).toEqual(before);
  });
});

describe('the guest cart expiry job', () => {
  it('deletes guest carts left unchanged past the time, and nothing else', async () => {
    const id = await product(10);
    const abandoned = await guestCart([id, 1]);
    const recent = await guestCart([id, 1]);
    const revived = await guestCart([id, 1]);
    const caller = shopper();
    await mutate(ADD, caller, { productId: id, quantity: 1 });
    const age = (cartId: string, days: number) =>
      sql(`update carts set updated_at = now() - make_interval(days => ?) where id = ?`, [days, cartId]);
    await age(abandoned.id, 8);
    await age(recent.id, 6);
    await age(revived.id, 8);
    await age(caller.userId, 400);
    // A change counts as activity.
    await mutate(ADD, null, { productId: id, quantity: 1, cartId: revived.id });

    expect(await expireGuestCarts(orm.em.fork(), 7)).toBe(1);
    expect(await cartById(abandoned.id)).toBe('CART_NOT_FOUND');
    expect(await sql('select id from cart_lines where cart_id = ?', [abandoned.id])).toEqual([]);
    const late = await mutate(ADD, null, { productId: id, quantity: 1, cartId: abandoned.id });
    expect(late.userErrors.map((error) => error.code)).toEqual(['CART_NOT_FOUND']);
    for (const kept of [recent.id, revived.id]) expect(await cartById(kept)).toMatchObject({ id: kept });
    expect(quantities((await cartById(caller.userId, caller)) as CartData)).toEqual([[id, 1]]);
    expect(await expireGuestCarts(orm.em.fork(), 7)).toBe(0);
  });
});
