import DataLoader from 'dataloader';
import type { MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { UserSchema } from './entities/user.entity.ts';
import type { IdentityRequest } from './request.ts';
import type { SessionService } from './services/session.service.ts';
import type { UserService } from './services/user.service.ts';

/** Per request: its own EntityManager and loaders (see request.ts); the services are shared. */
export interface IdentityContext extends IdentityRequest {
  sessions: SessionService;
  users: UserService;
}

/** Builds each request's context: a forked EntityManager, fresh loaders, the shared services. */
export function contextFactory(deps: { orm: MikroORM; sessions: SessionService; users: UserService }) {
  return ({ caller, requestId, clientAddress }: RequestIdentity): IdentityContext => {
    const em = deps.orm.em.fork();
    return {
      em,
      caller,
      requestId,
      clientAddress,
      sessions: deps.sessions,
      users: deps.users,
      signedIn: new Set(),
      loaders: {
        // Every User reference in one request (e.g. all review authors on a page) is one query.
        userById: new DataLoader(async (ids) => {
          const users = await em.find(UserSchema, { id: { $in: [...ids] } });
          const byId = new Map(users.map((user) => [user.id, user]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
      },
    };
  };
}
