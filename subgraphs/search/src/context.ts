import type { RequestIdentity } from '@emporium/graphql-server';
import type { SearchRequest } from './request.ts';
import type { SearchService } from './services/search.service.ts';

/** Per request: who asks; the service (and its Elasticsearch client) is shared. */
export interface SearchContext extends SearchRequest {
  search: SearchService;
}

/** Builds each request's context around the shared search service. */
export function contextFactory(deps: { search: SearchService }) {
  return ({ caller, requestId }: RequestIdentity): SearchContext => ({ caller, requestId, ...deps });
}
