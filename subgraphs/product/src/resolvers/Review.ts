import type { ReviewResolvers } from '../generated/resolvers-types.ts';

export const Review: ReviewResolvers = {
  /** The author is identity's; this subgraph only knows the id and lets the router fetch the rest. */
  author: (review) => ({ __typename: 'User', id: review.authorId }),
  product: async (review, _args, ctx) =>
    (await ctx.loaders.productById.load(review.productId)) ??
    Promise.reject(new Error(`product ${review.productId} is missing`)),
};
