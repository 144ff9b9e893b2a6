import { describe, expect, it } from 'vitest';
import {
  firstLsnPerRow,
  InvalidChangeEvent,
  latestPerRow,
  readChangeEvent,
  tableOfTopic,
  UNAVAILABLE_VALUE,
} from './catalogue-change.event.ts';

const productAfter = {
  id: 'p1',
  name: 'Apple iPhone 15 Pro',
  description: 'A phone',
  brand: 'Apple',
  color: null,
  price_minor: 99900,
  currency_code: 'USD',
  category_id: 'c1',
  seller_id: 's1',
  rating_count: 2,
  rating_sum: 9,
  created_at: '2026-11-25T10:00:00.123456Z',
};

const envelope = (op: string, fields: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ op, source: { lsn: 4242, table: 'products', snapshot: 'false' }, ...fields }));

describe('readChangeEvent', () => {
  it.each(['c', 'u', 'r'])('reads op %s into the row after the change at its LSN', (op) => {
    expect(readChangeEvent('products', envelope(op, { before: null, after: productAfter }))).toEqual({
      id: 'p1',
      row: productAfter,
      lsn: 4242,
    });
  });

  it('reads a delete from the key in before', () => {
    expect(readChangeEvent('categories', envelope('d', { before: { id: 'c1' }, after: null }))).toEqual({
      id: 'c1',
      row: null,
      lsn: 4242,
    });
  });

  it('skips a tombstone', () => {
    expect(readChangeEvent('sellers', null)).toBeNull();
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['no source', Buffer.from(JSON.stringify({ op: 'c', after: productAfter }))],
    ['a string LSN', Buffer.from(JSON.stringify({ op: 'c', after: productAfter, source: { lsn: '1' } }))],
    ['a missing column', envelope('c', { after: { ...productAfter, price_minor: undefined } })],
    ['an unknown op', envelope('t', { after: productAfter })],
  ])('rejects %s', (_label, value) => {
    expect(() => readChangeEvent('products', value)).toThrow(InvalidChangeEvent);
  });
});

describe('readChangeEvent of the inventory table', () => {
  const stockAfter = { product_id: 'p1', on_hand: 5, reserved: 2, updated_at: '2026-11-26T09:00:00.5Z' };
  const stockEnvelope = (op: string, fields: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ op, source: { lsn: 9001, table: 'inventory' }, ...fields }));

  it.each(['c', 'u', 'r'])('reads op %s into the product id and the two counts', (op) => {
    expect(readChangeEvent('inventory', stockEnvelope(op, { before: null, after: stockAfter }))).toEqual({
      id: 'p1',
      row: { product_id: 'p1', on_hand: 5, reserved: 2 },
      lsn: 9001,
    });
  });

  it('reads a delete from the product id in before', () => {
    expect(readChangeEvent('inventory', stockEnvelope('d', { before: { product_id: 'p1' }, after: null }))).toEqual({
      id: 'p1',
      row: null,
      lsn: 9001,
    });
  });

  it('skips a tombstone', () => {
    expect(readChangeEvent('inventory', null)).toBeNull();
  });

  it.each([
    ['no product id', { ...stockAfter, product_id: undefined }],
    ['a count as a string', { ...stockAfter, on_hand: '5' }],
    ['a fractional count', { ...stockAfter, reserved: 1.5 }],
    ['a missing count', { ...stockAfter, reserved: undefined }],
  ])('rejects %s', (_label, after) => {
    expect(() => readChangeEvent('inventory', stockEnvelope('u', { after }))).toThrow(InvalidChangeEvent);
  });

  it('rejects a delete without the product id', () => {
    expect(() => readChangeEvent('inventory', stockEnvelope('d', { before: { id: 'p1' }, after: null }))).toThrow(
      InvalidChangeEvent,
    );
  });
});

describe('latestPerRow', () => {
  it("keeps each row's newest change", () => {
    const events = [
      { id: 'a', row: { v: 1 }, lsn: 10 },
      { id: 'b', row: { v: 1 }, lsn: 11 },
      { id: 'a', row: null, lsn: 12 },
      { id: 'b', row: { v: 0 }, lsn: 5 },
    ];
    expect(latestPerRow(events)).toEqual([
      { id: 'a', row: null, lsn: 12 },
      { id: 'b', row: { v: 1 }, lsn: 11 },
    ]);
  });
});

describe('firstLsnPerRow', () => {
  it("gives each row's lowest position in the batch", () => {
    const events = [
      { id: 'a', row: null, lsn: 12 },
      { id: 'b', row: null, lsn: 11 },
      { id: 'a', row: null, lsn: 10 },
    ];
    expect(firstLsnPerRow(events)).toEqual(
      new Map([
        ['a', 10],
        ['b', 11],
      ]),
    );
  });
});

describe('tableOfTopic', () => {
  it('maps the connector topics to their tables and nothing else', () => {
    expect(tableOfTopic('cdc.catalogue', 'cdc.catalogue.public.products')).toBe('products');
    expect(tableOfTopic('cdc.catalogue', 'cdc.catalogue.public.reviews')).toBeUndefined();
    expect(tableOfTopic('cdc.catalogue', 'other.public.products')).toBeUndefined();
  });
});

describe('large unchanged values', () => {
  it('takes an unchanged long description from the full row before the update', () => {
    const row = {
      id: 'p1',
      name: 'Phone',
      description: 'x'.repeat(5000),
      brand: 'B',
      color: null,
      price_minor: 100,
      currency_code: 'USD',
      category_id: 'c1',
      seller_id: 's1',
      rating_count: 1,
      rating_sum: 5,
      created_at: '2026-11-25T10:00:00Z',
    };
    const event = readChangeEvent(
      'products',
      JSON.stringify({
        op: 'u',
        source: { lsn: 42 },
        before: row,
        after: { ...row, description: UNAVAILABLE_VALUE, rating_count: 2, rating_sum: 9 },
      }),
    );
    expect(event?.row?.description).toBe('x'.repeat(5000));
    expect(event?.row?.rating_count).toBe(2);
  });
});

describe('the commit time of a change', () => {
  const at = (op: string, source: Record<string, unknown>) =>
    Buffer.from(
      JSON.stringify({
        op,
        source: { lsn: 7, ...source },
        before: { id: 'c1' },
        after: { id: 'c1', name: 'Phones', parent_id: null },
      }),
    );

  it.each(['c', 'u', 'd'])("is read from source.ts_ms for op %s, to measure the index's freshness", (op) => {
    expect(readChangeEvent('categories', at(op, { ts_ms: 1_764_000_000_123 }))?.committedAt).toBe(1_764_000_000_123);
  });

  it('is absent for a snapshot read (its time is the snapshot, not a commit) and for a malformed one', () => {
    expect(readChangeEvent('categories', at('r', { ts_ms: 1_764_000_000_123 }))?.committedAt).toBeUndefined();
    expect(readChangeEvent('categories', at('u', { ts_ms: 'yesterday' }))?.committedAt).toBeUndefined();
  });
});
