import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  payOrder: (_parent, { input }, ctx) => ctx.payments.pay(ctx, input),
};
