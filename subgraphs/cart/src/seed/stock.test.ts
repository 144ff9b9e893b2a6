import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, seedUuid } from '@emporium/seed';
import { seedStock, stockBatches } from './stock.ts';

describe('seedStock', () => {
  it('uses the product seed ids and is deterministic', () => {
    expect(seedStock(7)).toEqual(seedStock(7));
    expect(seedStock(7).productId).toBe(seedUuid('product:2026', 7));
    expect(seedStock(7).productId).toMatch(UUID_PATTERN);
  });

  it('stays within 0 to 500 and sells out some products', () => {
    const levels = Array.from({ length: 2000 }, (_, i) => seedStock(i).onHand);
    expect(Math.min(...levels)).toBe(0);
    expect(Math.max(...levels)).toBeLessThanOrEqual(500);
    expect(levels.filter((level) => level === 0).length).toBeGreaterThan(50);
  });
});

describe('stockBatches', () => {
  it('covers every index once, in slices', () => {
    const batches = [...stockBatches(25, 10)];
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((stock) => stock.productId)).toEqual(
      Array.from({ length: 25 }, (_, i) => seedUuid('product:2026', i)),
    );
  });
});
