import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  cart: (_parent, _args, ctx) => ctx.carts.get(ctx),
};
