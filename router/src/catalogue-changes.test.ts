import { describe, expect, it } from 'vitest';
import { changedProducts } from './catalogue-changes.ts';

const change = (table: string, key: string | null) => ({
  topic: `cdc.catalogue.public.${table}`,
  key: key === null ? null : Buffer.from(key),
});

describe('changedProducts', () => {
  it("reads the products a batch changed from Debezium's keys", () => {
    expect(
      changedProducts('cdc.catalogue', [change('products', '{"id":"a1"}'), change('products', '{"id":"b2"}')]),
    ).toEqual(['a1', 'b2']);
  });

  it.each([
    ['a category', [change('categories', '{"id":"c1"}')]],
    ['a seller beside a product', [change('products', '{"id":"a1"}'), change('sellers', '{"id":"s1"}')]],
    ['a key that is not JSON', [change('products', 'a1')]],
    ['a key without the id', [change('products', '{"sku":"a1"}')]],
    ['no key', [change('products', null)]],
  ])('cannot tie %s to products, so everything goes', (_case, changes) => {
    expect(changedProducts('cdc.catalogue', changes)).toBeUndefined();
  });
});
