import { isUuid } from '@emporium/graphql-server';
import type { UserResolvers } from '../generated/resolvers-types.ts';
import type { IdentityContext } from '../context.ts';
import type { User as UserEntity } from '../entities/user.entity.ts';
import { rolesOf } from '../services/user.service.ts';

/** Email and roles are private: the user themself and admins see them, others see null. */
const canSeePrivate = (ctx: IdentityContext, user: UserEntity): boolean =>
  ctx.signedIn.has(user.id) ||
  (ctx.caller !== null && (ctx.caller.userId === user.id || ctx.caller.roles.includes('ADMIN')));

export const User: UserResolvers = {
  __resolveReference: (reference, ctx) => (isUuid(reference.id) ? ctx.loaders.userById.load(reference.id) : null),
  email: (user, _args, ctx) => (canSeePrivate(ctx, user) ? user.email : null),
  roles: (user, _args, ctx) => (canSeePrivate(ctx, user) ? rolesOf(user) : null),
};
