import { describe, expect, it } from 'vitest';
import { isInStock, noStock } from './stock.ts';

describe('isInStock', () => {
  it('counts a product in stock while a unit is on hand and not reserved', () => {
    expect(isInStock({ product_id: 'p', on_hand: 3, reserved: 2 })).toBe(true);
    expect(isInStock({ product_id: 'p', on_hand: 3, reserved: 3 })).toBe(false);
    expect(isInStock({ product_id: 'p', on_hand: 0, reserved: 0 })).toBe(false);
  });

  it('counts a product never stocked, or whose row was deleted, out of stock', () => {
    expect(isInStock(undefined)).toBe(false);
    expect(isInStock(noStock('p'))).toBe(false);
  });
});
