import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, ctx) => ctx.users.register(ctx, input),
  login: (_parent, { input }, ctx) => ctx.users.login(ctx, input),
};
