import type { GraphQLError } from 'graphql';
import { isNotFound, type Client } from '@emporium/elasticsearch';
import { serviceUnavailable } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import type { SearchContext } from '../context.ts';
import type { ProductSearchConnection, SearchSuggestion } from '../generated/resolvers-types.ts';
import {
  buildSearchRequest,
  buildSuggestRequest,
  emptyConnection,
  readSearchResponse,
  readSuggestResponse,
  type SearchArgs,
} from './search-query.ts';

/**
 * Raised when Elasticsearch is down, too slow or failing: SERVICE_UNAVAILABLE on the search
 * field alone. Searches fail fast with it (the client's timeout is short and it does not
 * retry) while the rest of the supergraph keeps working.
 */
export const searchUnavailable = (cause: unknown): GraphQLError =>
  serviceUnavailable('Search is temporarily unavailable; please try again shortly', { cause });

/** Product search and suggestions over the product index's alias. */
export class SearchService {
  readonly #client: Client;
  readonly #alias: string;
  readonly #logger: Logger;

  constructor(options: { client: Client; alias: string; logger: Logger }) {
    this.#client = options.client;
    this.#alias = options.alias;
    this.#logger = options.logger;
  }

  async search(ctx: SearchContext, args: SearchArgs): Promise<ProductSearchConnection> {
    const plan = buildSearchRequest(args);
    try {
      // Hits are cached only on request (the default caches size-0 requests alone): shoppers
      // repeat the head queries' first pages, and the product fields that change often
      // (price, stock) are resolved by their own subgraphs, not read from these hits.
      const { responses } = await this.#client.msearch({
        searches: [
          { index: this.#alias, request_cache: true },
          plan.hits,
          { index: this.#alias, request_cache: true },
          plan.facets,
        ],
      });
      const [hits, facets] = responses;
      if (!hits || !facets) throw new Error('msearch answered fewer responses than requests');
      if ('error' in hits || 'error' in facets) {
        const failed = 'error' in hits ? hits : facets;
        if ('error' in failed && failed.status === 404) return this.#missingIndex(ctx);
        throw new Error(`search failed: ${'error' in failed ? failed.error.type : 'unknown'}`);
      }
      return readSearchResponse(plan, hits, facets);
    } catch (error) {
      const failure = this.#failure(ctx, error);
      if (failure === null) return emptyConnection();
      throw failure;
    }
  }

  async suggest(ctx: SearchContext, prefix: string, first: number | null | undefined): Promise<SearchSuggestion[]> {
    const request = buildSuggestRequest(prefix, first);
    if (!request) return [];
    try {
      const response = await this.#client.search<{ name: string }>({ index: this.#alias, ...request });
      return readSuggestResponse(response, first ?? 8);
    } catch (error) {
      const failure = this.#failure(ctx, error);
      if (failure === null) return [];
      throw failure;
    }
  }

  #missingIndex(ctx: SearchContext): ProductSearchConnection {
    this.#logger.warn({ alias: this.#alias, requestId: ctx.requestId }, 'the product index does not exist yet');
    return emptyConnection();
  }

  /** Null for a missing alias, which means nothing was indexed yet: an empty answer, not an error. */
  #failure(ctx: SearchContext, error: unknown): GraphQLError | null {
    if (isNotFound(error)) {
      this.#logger.warn({ alias: this.#alias, requestId: ctx.requestId }, 'the product index does not exist yet');
      return null;
    }
    return searchUnavailable(error);
  }
}
