import { describe, expect, it } from 'vitest';
import {
  availableOf,
  checkAvailable,
  checkCurrency,
  checkLineQuantity,
  checkStockQuantity,
  isUuid,
  mergeGuestLine,
  mergeLines,
} from './cart-rules.ts';

describe('checkLineQuantity', () => {
  it('accepts 1 to the maximum', () => {
    expect(checkLineQuantity(1, 100)).toBeNull();
    expect(checkLineQuantity(100, 100)).toBeNull();
  });

  it('refuses zero, negatives, fractions and more than the maximum', () => {
    for (const quantity of [0, -1, 1.5, 101, Number.NaN]) {
      expect(checkLineQuantity(quantity, 100)).toMatchObject({
        code: 'INVALID_QUANTITY',
        field: ['input', 'quantity'],
      });
    }
  });
});

describe('checkAvailable', () => {
  it('says how many are available', () => {
    expect(checkAvailable(3, 3)).toBeNull();
    expect(checkAvailable(4, 3)).toMatchObject({ code: 'INSUFFICIENT_STOCK', message: 'Only 3 units are available' });
    expect(checkAvailable(1, 0)?.message).toBe('This product is out of stock');
  });
});

describe('checkStockQuantity', () => {
  it('accepts 0 up to the maximum', () => {
    expect(checkStockQuantity(0)).toBeNull();
    expect(checkStockQuantity(1_000_000)).toBeNull();
  });

  it('refuses negative, too large and below reserved', () => {
    expect(checkStockQuantity(-1)?.code).toBe('INVALID_QUANTITY');
    expect(checkStockQuantity(1_000_001)?.code).toBe('INVALID_QUANTITY');
    expect(checkStockQuantity(2, 5)?.message).toContain('5 units are reserved');
  });
});

describe('availableOf', () => {
  it('is on hand minus reserved, and 0 without a row', () => {
    expect(availableOf({ onHand: 10, reserved: 4 })).toBe(6);
    expect(availableOf(null)).toBe(0);
  });
});

describe('mergeLines', () => {
  it('sums repeated products and sorts by product id', () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    expect(
      mergeLines([
        { productId: b, quantity: 1 },
        { productId: a, quantity: 2 },
        { productId: b.toUpperCase(), quantity: 3 },
      ]),
    ).toEqual([
      { productId: a, quantity: 2 },
      { productId: b, quantity: 4 },
    ]);
  });
});

describe('isUuid', () => {
  it('tells ids from junk', () => {
    expect(isUuid('00000000-0000-4000-8000-00000000000a')).toBe(true);
    expect(isUuid("1' or '1'='1")).toBe(false);
  });
});

describe('mergeGuestLine', () => {
  const field = ['input', 'cartId', 'lines', 'l1'];
  const merge = (existing: number | null, incoming: number, available: number, roomForNewLine = true) =>
    mergeGuestLine({ existing, incoming, available, maxLineQuantity: 100, roomForNewLine, field });

  it('moves every unit that fits', () => {
    expect(merge(null, 3, 10)).toEqual({ moved: 3, error: null });
    expect(merge(2, 3, 5)).toEqual({ moved: 3, error: null });
    expect(merge(40, 60, 1000)).toEqual({ moved: 60, error: null });
  });

  it('caps by stock with INSUFFICIENT_STOCK naming the line', () => {
    expect(merge(2, 3, 4)).toEqual({
      moved: 2,
      error: { code: 'INSUFFICIENT_STOCK', field, message: '2 of 3 units moved: only 4 available' },
    });
    expect(merge(null, 1, 0).error?.message).toBe('0 of 1 unit moved: the product is out of stock');
  });

  it('never takes the shopper’s own units away when stock fell below them', () => {
    expect(merge(5, 2, 3)).toMatchObject({ moved: 0, error: { code: 'INSUFFICIENT_STOCK' } });
  });

  it('caps by the per-line maximum with INVALID_QUANTITY', () => {
    expect(merge(60, 60, 1000)).toEqual({
      moved: 40,
      error: { code: 'INVALID_QUANTITY', field, message: '40 of 60 units moved: a cart line holds at most 100' },
    });
  });

  it('moves nothing of a new product into a full cart, but still grows a line already there', () => {
    expect(merge(null, 2, 10, false)).toMatchObject({ moved: 0, error: { code: 'INVALID_QUANTITY', field } });
    expect(merge(1, 2, 10, false)).toEqual({ moved: 2, error: null });
  });
});

describe('checkCurrency', () => {
  it('accepts an empty cart and a cart in the line’s currency', () => {
    expect(checkCurrency('EUR', [])).toBeNull();
    expect(checkCurrency('EUR', ['EUR'])).toBeNull();
  });

  it('refuses a line in another currency, naming both', () => {
    const error = checkCurrency('EUR', ['USD', 'EUR', 'USD']);
    expect(error).toMatchObject({ code: 'MIXED_CURRENCIES', field: ['input', 'productId'] });
    expect(error?.message).toContain('priced in EUR');
    expect(error?.message).toContain('holds prices in USD.');
  });
});
