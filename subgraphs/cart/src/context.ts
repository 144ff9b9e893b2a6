import type { Caller } from '@emporium/auth';
import type { EntityManager, MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { createLoaders, type Loaders } from './loaders.ts';
import type { CartService } from './services/cart.service.ts';
import type { InventoryService } from './services/inventory.service.ts';

/** One unit of work (a request or a consumed message): its own forked EntityManager. */
export interface UnitOfWork {
  em: EntityManager;
}

/** Per request: its own EntityManager and loaders; services are shared. */
export interface CartContext extends UnitOfWork {
  caller: Caller | null;
  requestId: string;
  loaders: Loaders;
  carts: CartService;
  inventory: InventoryService;
}

/** Builds each request's context: a forked EntityManager, fresh loaders, the shared services. */
export function contextFactory(deps: { orm: MikroORM; carts: CartService; inventory: InventoryService }) {
  const { orm, ...shared } = deps;
  return ({ caller, requestId }: RequestIdentity): CartContext => {
    const em = orm.em.fork();
    return { em, caller, requestId, loaders: createLoaders(em), ...shared };
  };
}
