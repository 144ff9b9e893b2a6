import { describe, expect, it } from 'vitest';
import {
  availableOf,
  checkAvailable,
  checkLineQuantity,
  checkStockQuantity,
  isUuid,
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
