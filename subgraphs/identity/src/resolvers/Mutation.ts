import { requireCaller, unauthenticated } from '@emporium/graphql-server';
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, ctx) => ctx.users.register(ctx, input),
  login: (_parent, { input }, ctx) => ctx.users.login(ctx, input),
  refreshSession: (_parent, { input }, ctx) => ctx.sessions.refresh(ctx, input.refreshToken),
  logout: async (_parent, _args, ctx) => {
    const caller = requireCaller(ctx.caller);
    // The router admits only tokens that name their session, so this is a token from before sessions.
    if (!caller.sessionId) throw unauthenticated('This token belongs to no session; sign in again');
    await ctx.sessions.end(ctx, { userId: caller.userId, sessionId: caller.sessionId });
    return { ok: true };
  },
};
