import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  createProduct: (_parent, { input }, ctx) => ctx.catalogue.create(ctx, input),
  updateProduct: (_parent, { input }, ctx) => ctx.catalogue.update(ctx, input),
  deleteProduct: (_parent, { input }, ctx) => ctx.catalogue.delete(ctx, input),
  addReview: (_parent, { input }, ctx) => ctx.reviews.add(ctx, input),
};
