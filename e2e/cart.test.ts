import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { contractOperation, gql, run } from './client.ts';
import { addToCart, myCart, newShopper, productOnSale, setStock, stockOf, type CartPayload } from './shop.ts';

/** MyCart, AddToCart, UpdateCartLine, RemoveCartLine and SetStock from the contract, through the router. */
let product: { id: string; name: string };
let shopper: string;

beforeAll(async () => {
  product = await productOnSale('19.99', 5);
  shopper = await newShopper();
});

const update = async (token: string, lineId: string, quantity: number): Promise<CartPayload> => {
  const result = await run<{ updateCartLine: CartPayload }>(
    'UpdateCartLine',
    { input: { lineId, quantity } },
    { token },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.updateCartLine;
};
const remove = async (token: string, lineId: string): Promise<CartPayload> => {
  const result = await run<{ removeCartLine: CartPayload }>('RemoveCartLine', { input: { lineId } }, { token });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.removeCartLine;
};

describe('a shopper’s cart', () => {
  it('starts empty, adds, merges, updates and removes lines with the subtotal from catalogue prices', async () => {
    const token = await newShopper();
    expect(await myCart(token)).toMatchObject({
      totalQuantity: 0,
      subtotal: { amount: '0.00', currencyCode: 'USD' },
      lines: [],
    });

    const added = await addToCart(token, product.id, 2);
    expect(added.userErrors).toEqual([]);
    expect(added.cart).toMatchObject({
      totalQuantity: 2,
      subtotal: { amount: '39.98', currencyCode: 'USD' },
      lines: [
        {
          quantity: 2,
          product: {
            id: product.id,
            name: product.name,
            price: { amount: '19.99', currencyCode: 'USD' },
            inventory: { available: 5 },
          },
        },
      ],
    });
    // The same product again lands on the same line.
    const merged = await addToCart(token, product.id, 1);
    expect(merged.cart?.lines.map((line) => line.quantity)).toEqual([3]);
    const lineId = merged.cart?.lines[0]?.id ?? '';

    const updated = await update(token, lineId, 1);
    expect(updated).toMatchObject({ userErrors: [], cart: { totalQuantity: 1, subtotal: { amount: '19.99' } } });
    const removed = await remove(token, lineId);
    expect(removed).toMatchObject({ userErrors: [], cart: { totalQuantity: 0, lines: [] } });
    expect((await myCart(token)).lines).toEqual([]);
  });

  it.each([
    ['zero', 0, 'INVALID_QUANTITY'],
    ['negative', -3, 'INVALID_QUANTITY'],
    ['huge', 1_000_000, 'INVALID_QUANTITY'],
    ['beyond stock', 6, 'INSUFFICIENT_STOCK'],
  ])('refuses a %s quantity with %s and changes nothing', async (_label, quantity, code) => {
    const token = await newShopper();
    await addToCart(token, product.id, 1);
    const before = await myCart(token);
    const added = await addToCart(token, product.id, quantity);
    expect(added.userErrors).toEqual([expect.objectContaining({ code, field: ['input', 'quantity'] })]);
    const lineId = before.lines[0]?.id ?? '';
    const updated = await update(token, lineId, quantity);
    expect(updated.userErrors.map((error) => error.code)).toEqual([code]);
    expect(await myCart(token)).toEqual(before);
  });

  it('refuses an unknown product with PRODUCT_NOT_FOUND', async () => {
    const added = await addToCart(shopper, randomUUID(), 1);
    expect(added.userErrors).toEqual([
      expect.objectContaining({ code: 'PRODUCT_NOT_FOUND', field: ['input', 'productId'] }),
    ]);
    const malformed = await addToCart(shopper, 'not-a-product', 1);
    expect(malformed.userErrors.map((error) => error.code)).toEqual(['PRODUCT_NOT_FOUND']);
  });

  it('never lets a shopper touch another shopper’s line', async () => {
    const owner = await newShopper();
    const added = await addToCart(owner, product.id, 2);
    const lineId = added.cart?.lines[0]?.id ?? '';
    const intruder = await newShopper();
    expect((await update(intruder, lineId, 1)).userErrors.map((error) => error.code)).toEqual(['LINE_NOT_FOUND']);
    expect((await remove(intruder, lineId)).userErrors.map((error) => error.code)).toEqual(['LINE_NOT_FOUND']);
    expect((await myCart(owner)).lines.map((line) => [line.id, line.quantity])).toEqual([[lineId, 2]]);
  });

  // Without a token AddToCart fills a guest cart instead (e2e/guest-cart.test.ts).
  it('needs a token, or a guest cart’s id', async () => {
    for (const [name, variables] of [
      ['MyCart', {}],
      ['UpdateCartLine', { input: { lineId: randomUUID(), quantity: 1 } }],
      ['RemoveCartLine', { input: { lineId: randomUUID() } }],
    ] as const) {
      const result = await run(name, variables);
      expect(
        result.errors?.map((error) => error.extensions?.['code']),
        name,
      ).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('stock', () => {
  it('is shown on product details and set by admins only, never below zero', async () => {
    const own = await productOnSale('5.00', 3);
    const details = await gql<{ product: { inventory: { available: number; inStock: boolean } } }>(
      contractOperation('ProductDetails'),
      { id: own.id },
    );
    expect(details.errors).toBeUndefined();
    expect(details.data?.product.inventory).toEqual({ available: 3, inStock: true });

    expect(await setStock(own.id, 0)).toEqual({ inventory: { available: 0, inStock: false }, userErrors: [] });
    const negative = await setStock(own.id, -1);
    expect(negative.userErrors.map((error) => error.code)).toEqual(['INVALID_QUANTITY']);
    expect((await stockOf(own.id)).onHand).toBe(0);
    // An id the catalogue replica never learns of, after the bounded wait for a just-created product.
    expect((await setStock(randomUUID(), 4)).userErrors.map((error) => error.code)).toEqual(['PRODUCT_NOT_FOUND']);

    const asShopper = await run('SetStock', { input: { productId: own.id, quantity: 100 } }, { token: shopper });
    expect(asShopper.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect((await stockOf(own.id)).onHand).toBe(0);
  });
});
