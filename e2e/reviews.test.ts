import { describe, expect, it } from 'vitest';
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

describe('reviews', () => {
  it('adds a review once per shopper and product, keeping the rating aggregate exact', async () => {
    const page = await gql<{ products: { edges: { node: { id: string } }[] } }>(
      '{ products(first: 1) { edges { node { id } } } }',
    );
    const productId = page.data?.products.edges[0]?.node.id ?? '';
    const before = (await gql<Rating>(RATING, { id: productId })).data?.product.rating;
    if (!before) throw new Error('no product');

    const token = await shopper();
    const added = await gql<AddReview>(
      ADD_REVIEW,
      { input: { productId, rating: 2, title: 'Scratched on arrival', body: 'Works, though.' } },
      { token },
    );
    expect(added.data?.addReview.userErrors).toEqual([]);
    expect(added.data?.addReview.review).toMatchObject({
      rating: 2,
      title: 'Scratched on arrival',
      author: { displayName: 'Rita Reviewer' },
    });

    const again = await gql<AddReview>(
      ADD_REVIEW,
      { input: { productId, rating: 5, title: 'Changed my mind', body: '' } },
      { token },
    );
    expect(again.data?.addReview).toEqual({
      review: null,
      userErrors: [expect.objectContaining({ code: 'ALREADY_REVIEWED' })],
    });

    const after = (await gql<Rating>(RATING, { id: productId })).data?.product;
    expect(after?.rating.count).toBe(before.count + 1);
    expect(after?.reviews.totalCount).toBe(before.count + 1);
    expect(after?.reviews.edges[0]?.node.title).toBe('Scratched on arrival');
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
