import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  searchProducts: (_parent, args, ctx) => ctx.search.search(ctx, args),
  searchSuggestions: (_parent, { prefix, first }, ctx) => ctx.search.suggest(ctx, prefix, first),
};
