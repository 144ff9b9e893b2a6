import { GraphQLError } from 'graphql';
import { errors, isNotFound, type Client, type estypes } from '@emporium/elasticsearch';
import { badUserInput, serviceUnavailable } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import type { SearchRequest } from '../request.ts';
import type { ProductSearchConnection, SearchSuggestion } from '../generated/resolvers-types.ts';
import { indexNames } from '../search-index/products-index.ts';
import { INVALID_CURSOR } from './search-cursor.ts';
import {
  buildSearchRequest,
  buildSuggestRequest,
  emptyConnection,
  onSnapshot,
  readSearchResponse,
  readSuggestResponse,
  type SearchArgs,
  type SearchPlan,
} from './search-query.ts';

/**
 * Raised when Elasticsearch is down, too slow or failing: SERVICE_UNAVAILABLE on the search
 * field alone. Searches fail fast with it (the client's timeout is short and it does not
 * retry) while the rest of the supergraph keeps working.
 */
export const searchUnavailable = (cause: unknown): GraphQLError =>
  serviceUnavailable('Search is temporarily unavailable; please try again shortly', { cause });

/**
 * How long a search's point in time outlives its last page. Each page renews it, so a shopper
 * who asks for the next page within this time pages through one unchanging index state. The
 * cluster holds one reader context per open point in time (and the segments it reads, past
 * merges), about first pages a second × this; a minute covers "show more" after a look at the
 * results. Past it, paging carries on from the cursor's position in a fresh point in time:
 * what searches guaranteed before points in time existed, for that one step.
 */
export const SNAPSHOT_KEEP_ALIVE = '1m';

/** Error types of a page whose point in time is gone: expired or closed, or its index deleted by a rebuild. */
const SNAPSHOT_GONE = new Set([
  'search_context_missing_exception',
  'no_shard_available_action_exception',
  'index_not_found_exception',
]);

type SearchAnswer = estypes.SearchResponse | estypes.ErrorResponseBase;
type Page = { hits: estypes.SearchResponse; facets: estypes.SearchResponse } | 'snapshot gone' | 'no index';

const errorTypes = (failed: estypes.ErrorResponseBase): string[] => [
  failed.error.type,
  ...(failed.error.root_cause ?? []).map((cause) => cause.type),
  ...(failed.error.caused_by ? [failed.error.caused_by.type] : []),
];

/** Product search and suggestions over the product index's alias. */
export class SearchService {
  readonly #client: Client;
  readonly #alias: string;
  readonly #logger: Logger;
  /** True for the indices the alias can name: a point in time from a cursor must not read any other. */
  readonly #ownIndex: (index: string) => boolean;

  constructor(options: { client: Client; alias: string; logger: Logger }) {
    this.#client = options.client;
    this.#alias = options.alias;
    this.#logger = options.logger;
    const names = indexNames(options.alias);
    this.#ownIndex = (index) => names.isVersioned(index);
  }

  /**
   * One page of results. Pages are read inside an Elasticsearch point in time: a view of the
   * index as it was when the first page was asked for, which later writes, refreshes and
   * merges do not change. Its id travels in the cursors, so every later page reads the same
   * documents with the same term statistics (relevance scores included), and `search_after`
   * over the same sort values neither skips nor repeats a product, however the catalogue
   * changes meanwhile. A point in time is opened on the alias, so it holds the index the
   * alias named then; a rebuild that swaps the alias does not move a shopper's pages.
   *
   * The first page is read inside its point in time too, opened just before it: opening one
   * only after a first page that has more would spare the open for searches of one page, but
   * a refresh between that page and the open could move scores across the page boundary, the
   * very skip this prevents. Opening one costs a light request (no query runs); the page
   * itself still comes from the request cache when the same search ran on the same index
   * state. A search that ends on its first page closes its point in time at once.
   */
  async search(ctx: SearchRequest, args: SearchArgs): Promise<ProductSearchConnection> {
    const plan = buildSearchRequest(args);
    try {
      let page: Page | undefined = plan.pit === null ? undefined : await this.#page(ctx, plan, plan.pit);
      if (page === undefined || page === 'snapshot gone') {
        // A first page, a cursor from before points in time, or one whose point in time is
        // gone (expired, or its index replaced): page on from the cursor's position in a
        // fresh one. Sort values end with the product id, so the position holds in any state.
        const opened = await this.#client.openPointInTime({ index: this.#alias, keep_alive: SNAPSHOT_KEEP_ALIVE });
        page = await this.#page(ctx, plan, opened.id);
        if (page === 'snapshot gone') throw new Error('a point in time was gone as soon as it was opened');
      }
      if (page === 'no index') return this.#missingIndex(ctx);
      const connection = readSearchResponse(plan, page.hits, page.facets);
      // The last page: nothing will read this point in time again, so the cluster can drop it now.
      if (!connection.pageInfo.hasNextPage && page.hits.pit_id) this.#close(ctx, page.hits.pit_id);
      return connection;
    } catch (error) {
      const failure = this.#failure(ctx, error);
      if (failure === null) return emptyConnection();
      throw failure;
    }
  }

  /** The page in point in time `pit` and the facets on the alias, or why there is none. */
  async #page(ctx: SearchRequest, plan: SearchPlan, pit: string): Promise<Page> {
    const fromCursor = pit === plan.pit;
    let responses: SearchAnswer[];
    try {
      // Facets describe the catalogue as it is now and stay on the alias, where everyone's
      // identical searches share the request cache; totalCount comes with the hits, so it
      // counts the result set being paged. Hits are cached only on request (the default
      // caches size-0 requests alone): shoppers repeat the head queries' first pages, and the
      // product fields that change often (price, stock) are resolved by their own subgraphs.
      ({ responses } = await this.#client.msearch({
        searches: [
          // A point in time names its own indices. Partial results would skip products.
          { request_cache: true, allow_partial_search_results: false },
          onSnapshot(plan, pit, SNAPSHOT_KEEP_ALIVE),
          { index: this.#alias, request_cache: true },
          plan.facets,
        ],
      }));
    } catch (error) {
      // Elasticsearch refuses the whole msearch when it cannot even decode a point-in-time id.
      if (fromCursor && error instanceof errors.ResponseError && error.statusCode === 400) {
        throw this.#forged(ctx, 'unreadable');
      }
      throw error;
    }
    const [hits, facets] = responses as (SearchAnswer | undefined)[];
    if (!hits || !facets) throw new Error('msearch answered fewer responses than requests');
    if ('error' in facets) {
      if (facets.status === 404) return 'no index';
      throw new Error(`search failed: ${facets.error.type}`);
    }
    if ('error' in hits) {
      const types = errorTypes(hits);
      if (types.some((type) => SNAPSHOT_GONE.has(type))) return 'snapshot gone';
      // A point-in-time id Elasticsearch cannot read can only come from a made-up cursor.
      if (fromCursor && hits.status === 400) throw this.#forged(ctx, 'unreadable');
      throw new Error(`search failed: ${hits.error.type}`);
    }
    // Elasticsearch reads whatever indices a point-in-time id names, and ids are not signed:
    // one made up to name no shard, or another index, must not answer from there.
    if (fromCursor && (hits._shards.total === 0 || hits.hits.hits.some((hit) => !this.#ownIndex(hit._index)))) {
      throw this.#forged(ctx, 'outside the product index');
    }
    return { hits, facets };
  }

  /** BAD_USER_INPUT for a cursor whose point in time no search of ours made. */
  #forged(ctx: SearchRequest, what: string): GraphQLError {
    this.#logger.info(
      { requestId: ctx.requestId, reason: what },
      'a search cursor named a point in time we did not open',
    );
    return badUserInput(INVALID_CURSOR);
  }

  /** Closes a point in time in the background: a failure only leaves it to expire. */
  #close(ctx: SearchRequest, pit: string): void {
    this.#client.closePointInTime({ id: pit }).catch((error: unknown) => {
      this.#logger.debug({ err: error, requestId: ctx.requestId }, 'closing a point in time failed; it expires');
    });
  }

  async suggest(ctx: SearchRequest, prefix: string, first: number | null | undefined): Promise<SearchSuggestion[]> {
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

  #missingIndex(ctx: SearchRequest): ProductSearchConnection {
    this.#logger.warn({ alias: this.#alias, requestId: ctx.requestId }, 'the product index does not exist yet');
    return emptyConnection();
  }

  /** Null for a missing alias, which means nothing was indexed yet: an empty answer, not an error. */
  #failure(ctx: SearchRequest, error: unknown): GraphQLError | null {
    // Already what the client should see, e.g. BAD_USER_INPUT for a made-up cursor.
    if (error instanceof GraphQLError) return error;
    if (isNotFound(error)) {
      this.#logger.warn({ alias: this.#alias, requestId: ctx.requestId }, 'the product index does not exist yet');
      return null;
    }
    // The client sees only SERVICE_UNAVAILABLE; the operator needs to know what failed.
    this.#logger.warn({ err: error, requestId: ctx.requestId }, 'a search failed on Elasticsearch');
    return searchUnavailable(error);
  }
}
