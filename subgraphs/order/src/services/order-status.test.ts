import { describe, expect, it } from 'vitest';
import { rejectionReason } from './order-status.ts';

describe('order status reasons', () => {
  it('names every short product in the rejection reason', () => {
    expect(
      rejectionReason([
        { productId: 'a', requested: 3, available: 1 },
        { productId: 'b', requested: 2, available: 0 },
      ]),
    ).toBe('Insufficient stock for a (requested 3, available 1); Insufficient stock for b (requested 2, available 0)');
  });
});
