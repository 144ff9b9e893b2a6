import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@emporium/testing';
import { contractOperation, gql } from './client.ts';
import { productOnSale, setStock } from './shop.ts';

/**
 * Stock reaches search: the cart service's inventory table → Debezium (cdc-connectors/cart.json)
 * → the search indexer's stock side index → the product's document, so `filter.inStock` and
 * the `inStock` facet follow real inventory. Asked through the router with the contract's
 * SearchProducts, whose `inventory { inStock }` the cart subgraph answers live.
 */
const SEARCH = contractOperation('SearchProducts');

interface SearchResult {
  searchProducts: {
    totalCount: number;
    edges: { node: { id: string; name: string; inventory: { inStock: boolean } } | null }[];
    facets: { field: string; values: { value: string; count: number }[] }[];
  };
}

let product: { id: string; name: string };
/** The random part of the product's name: every test product's name starts "E2E Gadget". */
let marker: string;

beforeAll(async () => {
  product = await productOnSale('12.34', 3);
  marker = product.name.split(' ').at(-1) ?? product.name;
});

async function search(inStock?: boolean): Promise<SearchResult['searchProducts']> {
  const result = await gql<SearchResult>(SEARCH, {
    query: marker,
    first: 10,
    ...(inStock === undefined ? {} : { filter: { inStock } }),
  });
  expect(result.errors).toBeUndefined();
  const data = result.data?.searchProducts;
  if (!data) throw new Error('no search result');
  return data;
}

const found = (result: SearchResult['searchProducts']) =>
  result.edges.find((edge) => edge.node?.id === product.id)?.node ?? undefined;

const inStockFacet = (result: SearchResult['searchProducts']): Record<string, number> =>
  Object.fromEntries(
    (result.facets.find((facet) => facet.field === 'inStock')?.values ?? []).map((value) => [value.value, value.count]),
  );

describe('stock in search', () => {
  it('finds a stocked product among those in stock', async () => {
    const inStock = await eventually(
      async () => {
        const result = await search(true);
        return found(result) ? result : undefined;
      },
      { timeoutMs: 30_000, what: 'the stocked product among those in stock' },
    );
    expect(found(inStock)).toMatchObject({ name: product.name, inventory: { inStock: true } });
    expect(inStock.totalCount).toBe(1);
    // The facet ignores its own filter: it counts the product on the in-stock side only.
    expect(inStockFacet(inStock)).toEqual({ true: 1 });
    expect((await search(false)).totalCount).toBe(0);
  });

  it('moves a product that sold out to those out of stock', async () => {
    const emptied = await setStock(product.id, 0);
    expect(emptied.userErrors).toEqual([]);
    expect(emptied.inventory).toMatchObject({ available: 0, inStock: false });

    await eventually(async () => ((await search(true)).totalCount === 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the sold-out product to leave the in-stock results',
    });
    const outOfStock = await search(false);
    expect(found(outOfStock)).toMatchObject({ name: product.name, inventory: { inStock: false } });
    expect(outOfStock.totalCount).toBe(1);
    expect(inStockFacet(outOfStock)).toEqual({ false: 1 });
    expect(inStockFacet(await search())).toEqual({ false: 1 });
  });
});
