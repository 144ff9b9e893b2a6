import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  me: (_parent, _args, ctx) => (ctx.caller ? ctx.loaders.userById.load(ctx.caller.userId) : null),
};
