import type { MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { createLoaders } from './loaders.ts';
import type { ProductRequest } from './request.ts';
import type { CatalogueService } from './services/catalogue.service.ts';
import type { ReviewService } from './services/review.service.ts';

/** Per request: its own EntityManager and loaders; services and settings are shared. */
export interface ProductContext extends ProductRequest {
  catalogue: CatalogueService;
  reviews: ReviewService;
  mediaBaseUrl: string;
}

/** Builds each request's context: a forked EntityManager, fresh loaders, the shared services. */
export function contextFactory(deps: {
  orm: MikroORM;
  catalogue: CatalogueService;
  reviews: ReviewService;
  mediaBaseUrl: string;
}) {
  const { orm, ...shared } = deps;
  return ({ caller, requestId }: RequestIdentity): ProductContext => {
    const em = orm.em.fork();
    return { em, caller, requestId, loaders: createLoaders(em), ...shared };
  };
}
