import { describe, expect, it } from 'vitest';
import { latestPerProduct } from '../services/catalogue-replica.service.ts';
import { InvalidChangeEvent, readProductChanged } from './product-changed.event.ts';

const id = '0B6C1D2E-3F40-4A5B-8C6D-7E8F90A1B2C3';
const row = { id, name: 'Pixel 9', price_minor: 79900, currency_code: 'USD', description: 'x' };

describe('readProductChanged', () => {
  it('reads a snapshot row, an update and a delete', () => {
    expect(readProductChanged(JSON.stringify({ op: 'r', before: null, after: row, source: { lsn: 7 } }))).toEqual({
      productId: id.toLowerCase(),
      product: { name: 'Pixel 9', priceMinor: 79900, currencyCode: 'USD' },
      lsn: 7,
    });
    expect(readProductChanged(JSON.stringify({ op: 'd', before: row, after: null, source: { lsn: 9 } }))).toEqual({
      productId: id.toLowerCase(),
      product: null,
      lsn: 9,
    });
  });

  it('skips tombstones and refuses what is not a product change', () => {
    expect(readProductChanged(null)).toBeNull();
    const noPrice = { op: 'u', before: null, after: { ...row, price_minor: '1' }, source: { lsn: 1 } };
    expect(() => readProductChanged(JSON.stringify(noPrice))).toThrow(InvalidChangeEvent);
  });
});

describe('latestPerProduct', () => {
  it('keeps the change with the highest LSN of each product', () => {
    const change = (productId: string, lsn: number) => ({ productId, product: null, lsn });
    expect(latestPerProduct([change('a', 3), change('b', 1), change('a', 2)])).toEqual([
      change('a', 3),
      change('b', 1),
    ]);
  });
});
