import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './client.ts';
import { cartMutation, guestCart, myCart, newShopper, productOnSale, type CartView } from './shop.ts';

/**
 * Guest carts through the router, with the contract's documents: AddToCart without a token,
 * GuestCart, UpdateCartLine and RemoveCartLine with `cartId`, then MergeGuestCart after
 * register, MyCart, and the guest cart gone (CART_NOT_FOUND), racing merges included.
 */
let scarce: { id: string; name: string };
let plenty: { id: string; name: string };

beforeAll(async () => {
  [scarce, plenty] = await Promise.all([productOnSale('12.50', 5), productOnSale('3.00', 50)]);
});

const quantities = (cart: CartView | null | undefined): [string, number][] =>
  (cart?.lines ?? []).map((line) => [line.product.id, line.quantity]);

/** A new guest cart holding `quantity` of `productId`; returns its id. */
async function newGuestCart(productId: string, quantity: number): Promise<string> {
  const created = await cartMutation('AddToCart', { productId, quantity });
  expect(created.userErrors).toEqual([]);
  return created.cart?.id as string;
}

describe('a guest cart', () => {
  it('is filled without a token, then merged into the account its guest signs up for', async () => {
    const created = await cartMutation('AddToCart', { productId: scarce.id, quantity: 4 });
    expect(created.userErrors).toEqual([]);
    const cartId = created.cart?.id as string;
    expect(created.cart).toMatchObject({ totalQuantity: 4, subtotal: { amount: '50.00', currencyCode: 'USD' } });

    const added = await cartMutation('AddToCart', { productId: plenty.id, quantity: 2, cartId });
    expect(added.cart?.id).toBe(cartId);
    const plentyLine = added.cart?.lines.find((line) => line.product.id === plenty.id)?.id as string;
    const updated = await cartMutation('UpdateCartLine', { lineId: plentyLine, quantity: 3, cartId });
    expect(updated.userErrors).toEqual([]);
    const guestView = await guestCart(cartId);
    expect(guestView).toEqual(updated.cart);
    expect(guestView).toMatchObject({
      id: cartId,
      totalQuantity: 7,
      subtotal: { amount: '59.00' },
      lines: [
        { quantity: 4, product: { id: scarce.id, name: scarce.name, inventory: { available: 5 } } },
        { quantity: 3, product: { id: plenty.id, price: { amount: '3.00' } } },
      ],
    });
    const removed = await cartMutation('RemoveCartLine', { lineId: plentyLine, cartId });
    expect(quantities(removed.cart)).toEqual([[scarce.id, 4]]);
    await cartMutation('AddToCart', { productId: plenty.id, quantity: 1, cartId });

    // Signed up, the shopper already has 2 of the scarce product: 2 + 4 is capped at the 5 there are.
    const token = await newShopper('guest');
    await cartMutation('AddToCart', { productId: scarce.id, quantity: 2 }, token);
    const scarceGuestLine = removed.cart?.lines[0]?.id ?? '';
    const merged = await cartMutation('MergeGuestCart', { cartId }, token);
    expect(merged.userErrors).toEqual([
      {
        code: 'INSUFFICIENT_STOCK',
        field: ['input', 'cartId', 'lines', scarceGuestLine],
        message: '3 of 4 units moved: only 5 available',
      },
    ]);
    expect(quantities(merged.cart)).toEqual([
      [scarce.id, 5],
      [plenty.id, 1],
    ]);
    expect(await myCart(token)).toEqual(merged.cart);

    expect(await guestCart(cartId)).toBe('CART_NOT_FOUND');
    const again = await cartMutation('MergeGuestCart', { cartId }, token);
    expect(again).toMatchObject({ cart: null, userErrors: [{ code: 'CART_NOT_FOUND', field: ['input', 'cartId'] }] });
    expect(quantities(await myCart(token))).toEqual(quantities(merged.cart));
  });

  it('counts its lines once when two merges run at once', async () => {
    const cartId = await newGuestCart(plenty.id, 3);
    const token = await newShopper('racer');
    const outcomes = await Promise.all([
      cartMutation('MergeGuestCart', { cartId }, token),
      cartMutation('MergeGuestCart', { cartId }, token),
    ]);
    expect(outcomes.map((outcome) => outcome.userErrors.map((error) => error.code)).sort()).toEqual([
      [],
      ['CART_NOT_FOUND'],
    ]);
    expect(quantities(await myCart(token))).toEqual([[plenty.id, 3]]);
    expect(await guestCart(cartId)).toBe('CART_NOT_FOUND');
  });

  it('is no way into a shopper’s cart: a user id as cartId is CART_NOT_FOUND', async () => {
    const victim = await newShopper('victim');
    await cartMutation('AddToCart', { productId: plenty.id, quantity: 2 }, victim);
    const me = await run<{ me: { id: string } }>('Me', {}, { token: victim });
    const victimId = me.data?.me.id as string;

    expect(await guestCart(victimId)).toBe('CART_NOT_FOUND');
    const intruder = await newShopper('intruder');
    expect(await guestCart(victimId, intruder)).toBe('CART_NOT_FOUND');
    for (const token of [undefined, intruder]) {
      const added = await cartMutation('AddToCart', { productId: plenty.id, quantity: 1, cartId: victimId }, token);
      expect(added).toMatchObject({ cart: null, userErrors: [{ code: 'CART_NOT_FOUND', field: ['input', 'cartId'] }] });
    }
    const merged = await cartMutation('MergeGuestCart', { cartId: victimId }, intruder);
    expect(merged.userErrors.map((error) => error.code)).toEqual(['CART_NOT_FOUND']);
    expect(quantities(await myCart(victim))).toEqual([[plenty.id, 2]]);
    expect(quantities(await myCart(intruder))).toEqual([]);
  });

  it('is never checked out, and merging needs a token', async () => {
    const cartId = await newGuestCart(plenty.id, 1);
    const checkout = await run('Checkout', { input: { idempotencyKey: randomUUID() } });
    expect(checkout.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const merge = await run('MergeGuestCart', { input: { cartId } });
    expect(merge.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(quantities((await guestCart(cartId)) as CartView)).toEqual([[plenty.id, 1]]);
  });
});
