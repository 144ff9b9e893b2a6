import { describe, expect, it } from 'vitest';
import { subtotalOf, type CartLineView } from './cart-view.ts';

const line = (unitPriceMinor: number, quantity: number, currencyCode = 'USD'): CartLineView => ({
  id: `${unitPriceMinor}-${currencyCode}`,
  productId: `${unitPriceMinor}`,
  quantity,
  addedAt: new Date(0),
  unitPriceMinor,
  currencyCode,
});

describe('subtotalOf', () => {
  it('is 0 USD for an empty cart', () => {
    expect(subtotalOf([])).toEqual({ amountMinor: 0n, currencyCode: 'USD', mixedCurrencies: false });
  });

  it('adds the lines of the cart’s one currency', () => {
    expect(subtotalOf([line(1099, 2, 'EUR'), line(1, 3, 'EUR')])).toEqual({
      amountMinor: 2201n,
      currencyCode: 'EUR',
      mixedCurrencies: false,
    });
  });

  it('never adds a line priced in another currency, and says one was left out', () => {
    expect(subtotalOf([line(1000, 1), line(300, 2, 'EUR'), line(5, 1)])).toEqual({
      amountMinor: 1005n,
      currencyCode: 'USD',
      mixedCurrencies: true,
    });
  });
});
