import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  paymentConfig: (_parent, _args, ctx) => ctx.paymentConfig,
};
