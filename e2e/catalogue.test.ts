import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_SHOPPER } from '@emporium/seed';
import { contractOperation, gql, run } from './client.ts';

const PRODUCT_DETAILS = contractOperation('ProductDetails');

interface Money {
  amount: string;
  currencyCode: string;
}
interface Details {
  id: string;
  name: string;
  description: string;
  brand: string;
  color: string | null;
  price: Money;
  images: { url: string; altText: string }[];
  category: { id: string; name: string };
  seller: { id: string; name: string };
  rating: { average: number | null; count: number };
  reviews: {
    totalCount: number;
    edges: {
      node: {
        id: string;
        rating: number;
        title: string;
        body: string;
        createdAt: string;
        author: { displayName: string };
      };
    }[];
  };
}
interface ProductPayload {
  product: { id: string; name: string; price: Money } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function signIn(account: { email: string; password: string }): Promise<string> {
  const result = await run<{ login: { token: string | null } }>('Login', {
    input: { email: account.email, password: account.password },
  });
  const token = result.data?.login.token;
  if (!token) throw new Error(`cannot sign in as ${account.email}: ${JSON.stringify(result)}`);
  return token;
}

const details = async (id: string, token?: string): Promise<Details | null> => {
  const result = await gql<{ product: Details | null }>(PRODUCT_DETAILS, { id }, { token });
  expect(result.errors).toBeUndefined();
  return result.data?.product ?? null;
};

let admin: string;
let shopper: string;
let categoryId: string;
let sellerId: string;

beforeAll(async () => {
  admin = await signIn(DEMO_ADMIN);
  shopper = await signIn(DEMO_SHOPPER);
  const page = await gql<{ products: { edges: { node: { category: { id: string }; seller: { id: string } } }[] } }>(
    '{ products(first: 1) { edges { node { category { id } seller { id } } } } }',
  );
  const first = page.data?.products.edges[0]?.node;
  if (!first) throw new Error('the catalogue is empty: the e2e setup seeds it');
  categoryId = first.category.id;
  sellerId = first.seller.id;
});

const validInput = (name: string) => ({
  name,
  description: 'A phone for the e2e tests.',
  brand: 'Emporium',
  color: 'Graphite',
  price: { amount: '499.99', currencyCode: 'USD' },
  categoryId,
  sellerId,
  specs: [{ name: 'Storage', value: '128 GB' }],
  images: [{ key: 'products/e2e/front.jpg', altText: 'Front view' }],
});

/** How many of the newest products match: anything a test just created is among them. */
const newestMatching = async (match: (product: { name: string; brand: string }) => boolean): Promise<number> => {
  const page = await gql<{ products: { edges: { node: { name: string; brand: string } }[] } }>(
    '{ products(first: 100) { edges { node { name brand } } } }',
  );
  return (page.data?.products.edges ?? []).filter((edge) => match(edge.node)).length;
};
const productsNamed = (name: string): Promise<number> => newestMatching((product) => product.name === name);

describe('ProductDetails', () => {
  it('shows a seeded product with its category, seller, images, rating and reviews with their authors', async () => {
    // Seeded, not made by another test (those are brand Emporium and may lack images); the
    // newest pages can be all test products while the other e2e files run, so page on.
    type Page = {
      products: {
        edges: { node: { id: string; brand: string; rating: { count: number } } }[];
        pageInfo: { endCursor: string | null };
      };
    };
    let reviewed: { id: string } | undefined;
    let after: string | null = null;
    for (let pages = 0; !reviewed && pages < 10; pages += 1) {
      const page: { data?: Page } = await gql<Page>(
        'query ($after: String) { products(first: 100, after: $after) { edges { node { id brand rating { count } } } pageInfo { endCursor } } }',
        { after },
      );
      reviewed = page.data?.products.edges.find(
        (edge) => edge.node.brand !== 'Emporium' && edge.node.rating.count >= 2,
      )?.node;
      after = page.data?.products.pageInfo.endCursor ?? null;
    }
    if (!reviewed) throw new Error('no seeded product with reviews in the first thousand');

    const product = await details(reviewed.id);
    expect(product?.id).toBe(reviewed.id);
    expect(product?.name.length).toBeGreaterThan(0);
    expect(product?.price.amount).toMatch(/^\d+\.\d{2}$/);
    expect(product?.images.length).toBeGreaterThan(0);
    for (const image of product?.images ?? []) expect(image.url).toMatch(/^https?:\/\/.+\/products\/.+/);
    expect(product?.category.name.length).toBeGreaterThan(0);
    expect(product?.seller.name.length).toBeGreaterThan(0);
    expect(product?.rating.count).toBe(product?.reviews.totalCount);
    expect(product?.rating.average).toBeGreaterThanOrEqual(1);
    expect(product?.rating.average).toBeLessThanOrEqual(5);
    const reviews = product?.reviews.edges ?? [];
    expect(reviews.length).toBe(Math.min(5, product?.rating.count ?? 0));
    // Review authors come from the identity subgraph, through the router.
    for (const { node } of reviews) expect(node.author.displayName.length).toBeGreaterThan(0);
    const times = reviews.map(({ node }) => Date.parse(node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('answers null for an unknown or malformed id', async () => {
    expect(await details('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await details('not-an-id')).toBeNull();
  });
});

describe('CreateProduct and UpdateProduct', () => {
  it('lets an admin create a product, then rename and reprice it', async () => {
    const name = `E2E Phone ${Date.now()}`;
    const created = await run<{ createProduct: ProductPayload }>(
      'CreateProduct',
      { input: validInput(name) },
      { token: admin },
    );
    expect(created.data?.createProduct.userErrors).toEqual([]);
    const id = created.data?.createProduct.product?.id ?? '';
    expect(created.data?.createProduct.product).toEqual({ id, name, price: { amount: '499.99', currencyCode: 'USD' } });

    const updated = await run<{ updateProduct: ProductPayload }>(
      'UpdateProduct',
      { input: { id, name: `${name} Pro`, price: { amount: '549', currencyCode: 'USD' } } },
      { token: admin },
    );
    expect(updated.data?.updateProduct).toEqual({
      product: { id, name: `${name} Pro`, price: { amount: '549.00', currencyCode: 'USD' } },
      userErrors: [],
    });
    const shown = await details(id);
    expect(shown).toMatchObject({
      name: `${name} Pro`,
      brand: 'Emporium',
      color: 'Graphite',
      description: 'A phone for the e2e tests.',
    });
    expect(shown?.rating).toEqual({ average: null, count: 0 });
  });

  it('refuses shoppers (FORBIDDEN) and anonymous callers (UNAUTHENTICATED), creating nothing', async () => {
    const name = `Forbidden Phone ${Date.now()}`;
    const asShopper = await run('CreateProduct', { input: validInput(name) }, { token: shopper });
    expect(asShopper.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    const anonymous = await run('CreateProduct', { input: validInput(name) });
    expect(anonymous.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    expect(await productsNamed(name)).toBe(0);
  });

  it.each([
    ['a negative price', { price: { amount: '-1.00', currencyCode: 'USD' } }, ['input', 'price', 'amount']],
    ['a non-numeric price', { price: { amount: 'cheap', currencyCode: 'USD' } }, ['input', 'price', 'amount']],
    ['an unknown currency', { price: { amount: '10.00', currencyCode: 'XYZ' } }, ['input', 'price', 'currencyCode']],
    ['an empty name', { name: '   ' }, ['input', 'name']],
    ['a description over 10,000 characters', { description: 'x'.repeat(100_000) }, ['input', 'description']],
    ['an unknown category', { categoryId: '00000000-0000-4000-8000-000000000000' }, ['input', 'categoryId']],
  ])('reports %s as a user error and creates nothing', async (_label, change, field) => {
    // A brand of its own marks what this case would have created, whatever the bad field.
    const brand = `Invalid-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const input = { ...validInput(`Invalid Phone ${brand}`), brand, ...change };
    const result = await run<{ createProduct: ProductPayload }>('CreateProduct', { input }, { token: admin });
    expect(result.data?.createProduct.product).toBeNull();
    expect(result.data?.createProduct.userErrors.map((e) => e.field)).toEqual([field]);
    expect(await newestMatching((product) => product.brand === brand)).toBe(0);
  });

  it('refuses a 10 MB description at the door with a clear error', async () => {
    const name = `Huge Phone ${Date.now()}`;
    const response = await fetch('http://127.0.0.1:4000/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        query: contractOperation('CreateProduct'),
        variables: { input: { ...validInput(name), description: 'x'.repeat(10 * 1024 * 1024) } },
      }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]?.message).toMatch(/exceeds/);
    expect(await productsNamed(name)).toBe(0);
  });

  it('lets only an admin delete a product, after which it is gone', async () => {
    const name = `Doomed Phone ${Date.now()}`;
    const created = await run<{ createProduct: ProductPayload }>(
      'CreateProduct',
      { input: validInput(name) },
      { token: admin },
    );
    const id = created.data?.createProduct.product?.id ?? '';
    const DELETE = 'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedProductId userErrors { code } } }';

    const asShopper = await gql(DELETE, { id }, { token: shopper });
    expect(asShopper.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect(await details(id)).not.toBeNull();

    const deleted = await gql<{ deleteProduct: { deletedProductId: string | null; userErrors: { code: string }[] } }>(
      DELETE,
      { id },
      { token: admin },
    );
    expect(deleted.data?.deleteProduct).toEqual({ deletedProductId: id, userErrors: [] });
    expect(await details(id)).toBeNull();
    const again = await gql<{ deleteProduct: { userErrors: { code: string }[] } }>(DELETE, { id }, { token: admin });
    expect(again.data?.deleteProduct.userErrors.map((e) => e.code)).toEqual(['PRODUCT_NOT_FOUND']);
  });

  it('answers PRODUCT_NOT_FOUND when updating an unknown product and changes nothing', async () => {
    const result = await run<{ updateProduct: ProductPayload }>(
      'UpdateProduct',
      { input: { id: '00000000-0000-4000-8000-000000000000', name: 'Ghost' } },
      { token: admin },
    );
    expect(result.data?.updateProduct.userErrors.map((e) => e.code)).toEqual(['PRODUCT_NOT_FOUND']);
  });
});
