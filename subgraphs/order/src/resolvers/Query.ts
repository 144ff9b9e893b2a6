import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  order: (_parent, { id }, ctx) => ctx.orders.find(ctx, id),
  myOrders: (_parent, args, ctx) => ctx.orders.page(ctx, args),
};
