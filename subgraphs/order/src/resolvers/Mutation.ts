import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  checkout: (_parent, { input }, ctx) => ctx.checkout.checkout(ctx, input),
  cancelOrder: (_parent, { input }, ctx) => ctx.orders.cancel(ctx, input),
};
