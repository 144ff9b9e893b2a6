import type DataLoader from 'dataloader';
import type { Caller } from '@emporium/auth';
import type { EntityManager } from '@emporium/db';
import type { User } from './entities/user.entity.ts';

/**
 * What a service sees of the request it serves. The request context (context.ts) adds the
 * shared services to this; services import only this file, so the context and the services
 * it lists never import each other.
 */
export interface IdentityRequest {
  em: EntityManager;
  caller: Caller | null;
  requestId: string;
  /** The client's IP address as the router saw it; failed sign-ins are throttled per client too. */
  clientAddress: string | undefined;
  loaders: { userById: DataLoader<string, User | null> };
  /** Users who registered or signed in during this request: their payload may show them their email. */
  signedIn: Set<string>;
}
