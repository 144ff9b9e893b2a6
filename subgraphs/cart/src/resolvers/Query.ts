import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  cart: (_parent, { id }, ctx) => ctx.carts.get(ctx, id),
};
