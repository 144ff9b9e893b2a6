import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '@emporium/seed';
import { freshEmail, gql, run } from './client.ts';

const ADD_REVIEW = `mutation ($input: AddReviewInput!) {
  addReview(input: $input) { review { id rating title author { displayName } } userErrors { code field message } }
}`;
const RATING = `query ($id: ID!) { product(id: $id) { rating { average count } reviews(first: 1) { totalCount edges { node { title } } } } }`;

interface Rating {
  product: {
    rating: { average: number | null; count: number };
    reviews: { totalCount: number; edges: { node: { title: string } }[] };
  };
}
interface AddReview {
  addReview: {
    review: { id: string; rating: number; title: string; author: { displayName: string } } | null;
    userErrors: { code: string }[];
  };
}

async function shopper(): Promise<string> {
  const result = await run<{ register: { token: string } }>('Register', {
    input: { email: freshEmail('reviewer'), password: 'Reviewer-Pass-42', displayName: 'Rita Reviewer' },
  });
  return result.data?.register.token ?? '';
}

async function freshProduct(): Promise<string> {
  const login = await run<{ login: { token: string } }>('Login', {
    input: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
  });
  const sample = await gql<{ products: { edges: { node: { category: { id: string }; seller: { id: string } } }[] } }>(
    '{ products(first: 1) { edges { node { category { id } seller { id } } } } }',
  );
  const ref = sample.data?.products.edges[0]?.node;
  const created = await run<{ createProduct: { product: { id: string } | null } }>(
    'CreateProduct',
    {
      input: {
        name: `Reviewed Gadget ${Date.now()}`,
        description: 'For the reviews test.',
        brand: 'Emporium',
        price: { amount: '20.00', currencyCode: 'USD' },
        categoryId: ref?.category.id,
        sellerId: ref?.seller.id,
      },
    },
    { token: login.data?.login.token },
  );
  const id = created.data?.createProduct.product?.id;
  if (!id) throw new Error(`could not create a product: ${JSON.stringify(created)}`);
  return id;
}

describe('reviews', () => {
  it('adds a review once per shopper and product, keeping the rating aggregate exact', async () => {
    // A product of its own: no other test reviews or deletes it meanwhile.
    const productId = await freshProduct();
    const [first, second] = [await shopper(), await shopper()];
    const review = (token: string, rating: number, title: string) =>
      gql<AddReview>(ADD_REVIEW, { input: { productId, rating, title, body: 'Works, though.' } }, { token });

    const added = await review(first, 2, 'Scratched on arrival');
    expect(added.data?.addReview.userErrors).toEqual([]);
    expect(added.data?.addReview.review).toMatchObject({
      rating: 2,
      title: 'Scratched on arrival',
      author: { displayName: 'Rita Reviewer' },
    });
    const again = await review(first, 5, 'Changed my mind');
    expect(again.data?.addReview).toEqual({
      review: null,
      userErrors: [expect.objectContaining({ code: 'ALREADY_REVIEWED' })],
    });
    expect((await review(second, 5, 'Love it')).data?.addReview.userErrors).toEqual([]);

    const after = (await gql<Rating>(RATING, { id: productId })).data?.product;
    expect(after?.rating).toEqual({ average: 3.5, count: 2 });
    expect(after?.reviews.totalCount).toBe(2);
    expect(after?.reviews.edges[0]?.node.title).toBe('Love it');
  });

  it('needs a signed-in shopper, a known product and a rating of 1 to 5', async () => {
    const anonymous = await gql(ADD_REVIEW, {
      input: { productId: '00000000-0000-4000-8000-000000000000', rating: 4, title: 't', body: 'b' },
    });
    expect(anonymous.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    const token = await shopper();
    const unknown = await gql<AddReview>(
      ADD_REVIEW,
      { input: { productId: '00000000-0000-4000-8000-000000000000', rating: 4, title: 't', body: 'b' } },
      { token },
    );
    expect(unknown.data?.addReview.userErrors.map((e) => e.code)).toEqual(['PRODUCT_NOT_FOUND']);
    const outOfRange = await gql<AddReview>(
      ADD_REVIEW,
      { input: { productId: '00000000-0000-4000-8000-000000000000', rating: 6, title: '', body: 'b' } },
      { token },
    );
    expect(outOfRange.data?.addReview.userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT', 'INVALID_INPUT']);
  });
});
