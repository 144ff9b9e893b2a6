import type { Caller } from '@emporium/auth';
import type { EntityManager } from '@emporium/db';
import type { Loaders } from './loaders.ts';

/**
 * What a service sees of the request it serves. The request context (context.ts) adds the
 * shared services to this; services import only this file, so the context and the services
 * it lists never import each other.
 */
export interface ProductRequest {
  em: EntityManager;
  caller: Caller | null;
  requestId: string;
  loaders: Loaders;
}
