import { describe, expect, it } from 'vitest';
import { readChangeEvent } from '../events/catalogue-change.event.ts';
import { buildProductDocument, categoryLineage, suggestInputs, type CategoryRow } from './product-document.ts';

const categories = new Map<string, CategoryRow>([
  ['root', { id: 'root', name: 'Electronics', parent_id: null }],
  ['mobiles', { id: 'mobiles', name: 'Mobiles', parent_id: 'root' }],
  ['orphan', { id: 'orphan', name: 'Orphan', parent_id: 'not-yet-known' }],
  ['loop-a', { id: 'loop-a', name: 'A', parent_id: 'loop-b' }],
  ['loop-b', { id: 'loop-b', name: 'B', parent_id: 'loop-a' }],
]);

describe('categoryLineage', () => {
  it('lists the path root first', () => {
    expect(categoryLineage('mobiles', categories)).toEqual({
      path: [
        { id: 'root', name: 'Electronics' },
        { id: 'mobiles', name: 'Mobiles' },
      ],
      ids: ['root', 'mobiles'],
    });
  });

  it('keeps the first unknown ancestor among the ids, so its arrival finds the product', () => {
    expect(categoryLineage('orphan', categories)).toEqual({
      path: [{ id: 'orphan', name: 'Orphan' }],
      ids: ['not-yet-known', 'orphan'],
    });
    expect(categoryLineage('unknown', categories)).toEqual({ path: [], ids: ['unknown'] });
  });

  it('stops at a cycle', () => {
    expect(categoryLineage('loop-a', categories).ids).toEqual(['loop-b', 'loop-a']);
  });
});

describe('buildProductDocument', () => {
  it('denormalises a Debezium product event', () => {
    const event = readChangeEvent(
      'products',
      JSON.stringify({
        op: 'c',
        before: null,
        source: { lsn: 77 },
        after: {
          id: 'p1',
          name: 'iPhone 15 Pro',
          description: 'A phone',
          brand: 'Apple',
          color: 'Black',
          price_minor: 99_950,
          currency_code: 'USD',
          category_id: 'mobiles',
          seller_id: 's1',
          rating_count: 3,
          rating_sum: 13,
          created_at: '2026-11-25T10:00:00.123456Z',
        },
      }),
    );
    if (!event?.row) throw new Error('expected a row');
    expect(buildProductDocument(event.row, categoryLineage('mobiles', categories), 'Northwind', true)).toEqual({
      id: 'p1',
      name: 'iPhone 15 Pro',
      brand: 'Apple',
      description: 'A phone',
      color: 'Black',
      categoryId: 'mobiles',
      categoryIds: ['root', 'mobiles'],
      categoryPath: [
        { id: 'root', name: 'Electronics' },
        { id: 'mobiles', name: 'Mobiles' },
      ],
      categoryNames: ['Electronics', 'Mobiles'],
      sellerId: 's1',
      sellerName: 'Northwind',
      priceMinor: 99_950,
      price: 999.5,
      currencyCode: 'USD',
      ratingAverage: 4.33,
      ratingCount: 3,
      inStock: true,
      createdAt: '2026-11-25T10:00:00.123Z',
      suggest: { input: ['iPhone 15 Pro', 'Apple iPhone 15 Pro', '15 Pro', 'Pro'], weight: 4 },
    });
  });

  it('rates an unreviewed product 0, so it sorts last among rated ones, and carries the stock flag given', () => {
    const row = {
      id: 'p2',
      name: 'Case',
      description: '',
      brand: 'Acme',
      color: null,
      price_minor: 0,
      currency_code: 'USD',
      category_id: 'x',
      seller_id: 's',
      rating_count: 0,
      rating_sum: 0,
      created_at: '2026-01-01T00:00:00Z',
    };
    expect(buildProductDocument(row, { path: [], ids: ['x'] }, null, false)).toMatchObject({
      ratingAverage: 0,
      sellerName: null,
      categoryIds: ['x'],
      inStock: false,
    });
  });
});

describe('suggestInputs', () => {
  it('offers the name, the brand before it, and the name from later words on', () => {
    expect(suggestInputs('Galaxy S24 Ultra 5G Phone', 'Samsung')).toEqual([
      'Galaxy S24 Ultra 5G Phone',
      'Samsung Galaxy S24 Ultra 5G Phone',
      'S24 Ultra 5G Phone',
      'Ultra 5G Phone',
      '5G Phone',
    ]);
    expect(suggestInputs('Apple Watch', 'Apple')).toEqual(['Apple Watch', 'Watch']);
  });
});
