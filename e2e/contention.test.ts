import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '@emporium/testing';
import { gql } from './client.ts';
import { addToCart, checkout, newShopper, order, productOnSale, stockOf } from './shop.ts';

/**
 * The oversell test of the issue: 200 shoppers press "buy" at once on the last 20 units.
 * Exactly 20 orders may hold stock; the rest are rejected; available never drops below zero;
 * and when the holders cancel or let their reservations lapse, every unit comes back.
 */
const SHOPPERS = 200;
const UNITS = 20;

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}

describe('checkout under contention', () => {
  it(`sells ${UNITS} units to exactly ${UNITS} of ${SHOPPERS} concurrent shoppers and gets every unit back`, async () => {
    const product = await productOnSale('999.00', UNITS);
    const shoppers = await inBatches(
      Array.from({ length: SHOPPERS }, (_, i) => i),
      25,
      async () => {
        const token = await newShopper('rush');
        const added = await addToCart(token, product.id, 1);
        expect(added.userErrors).toEqual([]);
        return token;
      },
    );

    // Watch availability while the rush runs: it must never be seen below zero.
    const seen: number[] = [];
    const watching = new AbortController();
    const watcher = (async () => {
      while (!watching.signal.aborted) {
        seen.push((await stockOf(product.id)).available);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const placed = await Promise.all(
      shoppers.map(async (token) => {
        const result = await checkout(token, randomUUID());
        expect(result.userErrors).toEqual([]);
        return { token, id: result.order?.id ?? '' };
      }),
    );
    const settled = await eventually(
      async () => {
        const statuses = await inBatches(placed, 50, async ({ token, id }) => (await order(token, id))?.status);
        return statuses.every((status) => status === 'AWAITING_PAYMENT' || status === 'REJECTED')
          ? statuses
          : undefined;
      },
      { what: 'every order to be reserved or rejected', timeoutMs: 60_000, intervalMs: 1000 },
    );
    watching.abort();
    await watcher;

    expect(settled.filter((status) => status === 'AWAITING_PAYMENT')).toHaveLength(UNITS);
    expect(settled.filter((status) => status === 'REJECTED')).toHaveLength(SHOPPERS - UNITS);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(await stockOf(product.id)).toEqual({ available: 0, onHand: UNITS, reserved: UNITS });

    // Half the winners cancel; the other half let their reservations expire.
    const winners = placed.filter((_, i) => settled[i] === 'AWAITING_PAYMENT');
    for (const { token, id } of winners.slice(0, UNITS / 2)) {
      const result = await gql<{ cancelOrder: { userErrors: unknown[] } }>(
        'mutation ($id: ID!) { cancelOrder(input: { orderId: $id }) { userErrors { code } } }',
        { id },
        { token },
      );
      expect(result.data?.cancelOrder.userErrors).toEqual([]);
    }
    await eventually(
      async () => {
        const stock = await stockOf(product.id);
        return stock.reserved === 0 ? stock : undefined;
      },
      { what: 'every reservation to be released', timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(await stockOf(product.id)).toEqual({ available: UNITS, onHand: UNITS, reserved: 0 });
    const final = await inBatches(winners, 50, async ({ token, id }) => (await order(token, id))?.status);
    expect(final.sort()).toEqual([
      ...Array<string>(UNITS / 2).fill('CANCELLED'),
      ...Array<string>(UNITS / 2).fill('EXPIRED'),
    ]);
  }, 240_000);
});
