import type { Caller } from '@emporium/auth';

/**
 * What a service sees of the request it serves. The request context (context.ts) adds the
 * shared services to this; services import only this file, so the context and the services
 * it lists never import each other.
 */
export interface SearchRequest {
  caller: Caller | null;
  requestId: string;
}
