import type { MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { createLoaders } from './loaders.ts';
import type { CartRequest } from './request.ts';
import type { CartService } from './services/cart.service.ts';
import type { InventoryService } from './services/inventory.service.ts';

/** Per request: its own EntityManager and loaders (see request.ts); services are shared. */
export interface CartContext extends CartRequest {
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
