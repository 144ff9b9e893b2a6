import DataLoader from 'dataloader';
import type { Caller } from '@emporium/auth';
import type { EntityManager, MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { UserSchema, type User } from './entities/user.entity.ts';
import type { SessionService } from './services/session.service.ts';
import type { UserService } from './services/user.service.ts';

/** Per request: its own EntityManager and loaders; the services are shared. */
export interface IdentityContext {
  em: EntityManager;
  caller: Caller | null;
  requestId: string;
  /** The client's IP address as the router saw it; failed sign-ins are throttled per client too. */
  clientAddress: string | undefined;
  loaders: { userById: DataLoader<string, User | null> };
  /** Users who registered or signed in during this request: their payload may show them their email. */
  signedIn: Set<string>;
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
