import { describe, expect, it } from 'vitest';
import { cartFingerprint } from './cart-fingerprint.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const usd = (amountMinor: number) => ({ amountMinor, currencyCode: 'USD' });

describe('cartFingerprint', () => {
  it('ignores line order and product id case', () => {
    const one = cartFingerprint([
      { productId: A, quantity: 1, unitPrice: usd(100) },
      { productId: B, quantity: 2, unitPrice: usd(250) },
    ]);
    const two = cartFingerprint([
      { productId: B.toUpperCase(), quantity: 2, unitPrice: usd(250) },
      { productId: A, quantity: 1, unitPrice: usd(100) },
    ]);
    expect(one).toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with quantity, price, currency and products', () => {
    const base = cartFingerprint([{ productId: A, quantity: 1, unitPrice: usd(100) }]);
    expect(cartFingerprint([{ productId: A, quantity: 2, unitPrice: usd(100) }])).not.toBe(base);
    expect(cartFingerprint([{ productId: A, quantity: 1, unitPrice: usd(101) }])).not.toBe(base);
    expect(
      cartFingerprint([{ productId: A, quantity: 1, unitPrice: { amountMinor: 100, currencyCode: 'EUR' } }]),
    ).not.toBe(base);
    expect(cartFingerprint([{ productId: B, quantity: 1, unitPrice: usd(100) }])).not.toBe(base);
    expect(cartFingerprint([{ productId: A, quantity: 1, unitPrice: null }])).not.toBe(base);
    expect(
      cartFingerprint([
        { productId: A, quantity: 1, unitPrice: usd(100) },
        { productId: B, quantity: 1, unitPrice: usd(100) },
      ]),
    ).not.toBe(base);
  });
});
