import type { UserResolvers } from '../generated/resolvers-types.ts';
import type { IdentityContext } from '../context.ts';
import type { User as UserEntity } from '../entities/user.entity.ts';
import { rolesOf } from '../services/user.service.ts';

/** Email and roles are private: the user themself and admins see them, others see null. */
const canSeePrivate = (ctx: IdentityContext, user: UserEntity): boolean =>
  ctx.signedIn.has(user.id) ||
  (ctx.caller !== null && (ctx.caller.userId === user.id || ctx.caller.roles.includes('ADMIN')));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const User: UserResolvers = {
  __resolveReference: (reference, ctx) => (UUID.test(reference.id) ? ctx.loaders.userById.load(reference.id) : null),
  email: (user, _args, ctx) => (canSeePrivate(ctx, user) ? user.email : null),
  roles: (user, _args, ctx) => (canSeePrivate(ctx, user) ? rolesOf(user) : null),
};
