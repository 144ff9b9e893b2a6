/**
 * Search requests and their answers, without I/O: validating arguments, building the
 * Elasticsearch query (relevance, filters, facets, sorting, `search_after` paging inside a
 * point in time) and reading the response into the connection the schema returns.
 *
 * The shopper's text only ever reaches match and multi_match queries, which analyse it as
 * plain text: quotes, `*`, `:` or `AND` are never query syntax here.
 */
import { badUserInput, pageSize } from '@emporium/graphql-server';
import type { estypes } from '@emporium/elasticsearch';
import { formatMinor, parseAmount } from '@emporium/money';
import type {
  ProductFilter,
  ProductSearchConnection,
  ProductSort,
  SearchFacet,
  SearchSuggestion,
} from '../generated/resolvers-types.ts';
import { decodeSearchCursor, encodeSearchCursor, type SortShape } from './search-cursor.ts';

export const MAX_QUERY_LENGTH = 256;
export const MAX_PREFIX_LENGTH = 100;
export const MAX_SUGGESTIONS = 20;
/** More words than this add nothing but cost. */
const MAX_QUERY_WORDS = 32;
const DEFAULT_PAGE = 20;
const MAX_FILTER_VALUES = 100;

/** The arguments of `searchProducts`. */
export interface SearchArgs {
  query: string;
  first?: number | null;
  after?: string | null;
  filter?: ProductFilter | null;
  sort?: ProductSort | null;
}

/**
 * A validated search, ready to send. One search is two Elasticsearch requests sent together
 * (msearch): the page of hits, inside a point in time ({@link onSnapshot}), and the facets as
 * a size-0 request on the alias. Both go through Elasticsearch's shard request cache, which
 * answers a repeated request until a refresh changes the index, exactly as an uncached one
 * would; its key leaves the point in time out, so shoppers on different points in time of
 * one index state share entries. Facets are most of a search's cost.
 */
export interface SearchPlan {
  first: number;
  sort: ProductSort;
  /** The point in time the cursor pages through; null on a first page (or with a cursor from before them). */
  pit: string | null;
  hits: estypes.SearchRequest;
  facets: estypes.SearchRequest;
}

// ------------------------------------------------------------------ sorting and cursors

/**
 * Sort clauses and the shape of their sort values. Each ends with the product id, as the
 * schema promises for ties, so no two products tie: a position is meaningful in any state
 * of the index, which lets a cursor whose point in time is gone carry on from a fresh one.
 * Inside a point in time Elasticsearch appends its own `_shard_doc` tiebreaker to each hit's
 * sort values; after a unique id it never decides anything, and cursors leave it out.
 */
const SORTS: Record<ProductSort, { clauses: estypes.SortCombinations[]; shape: SortShape }> = {
  RELEVANCE: { clauses: [{ _score: { order: 'desc' } }, { id: 'asc' }], shape: ['number', 'string'] },
  NEWEST: { clauses: [{ createdAt: 'desc' }, { id: 'asc' }], shape: ['number', 'string'] },
  PRICE_ASC: { clauses: [{ priceMinor: 'asc' }, { id: 'asc' }], shape: ['number', 'string'] },
  PRICE_DESC: { clauses: [{ priceMinor: 'desc' }, { id: 'asc' }], shape: ['number', 'string'] },
  RATING: {
    clauses: [{ ratingAverage: 'desc' }, { ratingCount: 'desc' }, { id: 'asc' }],
    shape: ['number', 'number', 'string'],
  },
};

/** The page request inside point in time `pit`, which it keeps alive for `keepAlive` more (e.g. "1m"). */
export function onSnapshot(plan: SearchPlan, pit: string, keepAlive: string): estypes.SearchRequest {
  return { ...plan.hits, pit: { id: pit, keep_alive: keepAlive } };
}

// ------------------------------------------------------------------ text

/** The words of a query that can match anything: chunks with a letter or digit. */
export function queryWords(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((chunk) => /[\p{L}\p{N}]/u.test(chunk))
    .slice(0, MAX_QUERY_WORDS);
}

/**
 * Every word must match (most of them, from three words on) in some field: name and
 * brand typo-tolerant and weighted most, then category, colour, seller and description.
 * On top, the whole phrase in the name, word pairs in order, and every word unaltered
 * score extra, so "iphone 15 pro" ranks the iPhone 15 Pro above a Pro case for an iPhone 15.
 */
export function textQuery(text: string): estypes.QueryDslQueryContainer {
  const trimmed = text.trim();
  if (trimmed === '') return { match_all: {} };
  const words = queryWords(trimmed);
  if (words.length === 0) return { match_none: {} };
  const phrase = words.join(' ');
  const wordClause = (word: string): estypes.QueryDslQueryContainer => ({
    dis_max: {
      queries: [
        {
          multi_match: {
            query: word,
            fields: ['name^4', 'brand^3'],
            fuzziness: 'AUTO',
            // Fuzzy expansion is most of a search's CPU; typos rarely hit the first two
            // letters, and ten variants a word still find "iphnoe" (8.8 → 5.8 ms a query).
            prefix_length: 2,
            max_expansions: 10,
            operator: 'and',
          },
        },
        {
          multi_match: {
            query: word,
            fields: ['categoryNames^2', 'color^1.5', 'sellerName', 'description^0.5'],
            operator: 'and',
          },
        },
      ],
    },
  });
  return {
    bool: {
      must: [{ bool: { should: words.map(wordClause), minimum_should_match: '2<75%' } }],
      should: [
        { match_phrase: { name: { query: phrase, boost: 6 } } },
        { match: { 'name.shingles': { query: phrase, boost: 2 } } },
        {
          multi_match: {
            query: phrase,
            type: 'cross_fields',
            fields: ['name^2', 'brand^2', 'categoryNames'],
            operator: 'and',
            boost: 2,
          },
        },
      ],
    },
  };
}

// ------------------------------------------------------------------ filters and facets

type FacetField = 'brand' | 'category' | 'price' | 'rating' | 'inStock';

/** Price facet boundaries, in major units; the last bucket is open. */
const PRICE_BOUNDS = [0, 25, 50, 100, 250, 500, 1000, 2000];
const RATING_STEPS = [4, 3, 2, 1];

/** A decimal amount of minor units, as Money amounts and price filters write it. */
const amount = (minor: number): string => formatMinor(minor, '').amount;

function priceFilter(filter: ProductFilter): estypes.QueryDslQueryContainer | undefined {
  const parse = (value: string | null | undefined, name: string): number | undefined => {
    if (value === null || value === undefined || value.trim() === '') return undefined;
    const minor = parseAmount(value);
    if (minor === undefined) throw badUserInput(`${name} must be a non-negative decimal amount, e.g. "99.99"`);
    return Number(minor);
  };
  const min = parse(filter.minPrice, 'minPrice');
  const max = parse(filter.maxPrice, 'maxPrice');
  if (min !== undefined && max !== undefined && min > max) throw badUserInput('minPrice must not exceed maxPrice');
  if (min === undefined && max === undefined) return undefined;
  return {
    range: { priceMinor: { ...(min !== undefined ? { gte: min } : {}), ...(max !== undefined ? { lte: max } : {}) } },
  };
}

function listFilter(values: readonly string[] | null | undefined, name: string): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  if (values.length > MAX_FILTER_VALUES) throw badUserInput(`${name} takes at most ${MAX_FILTER_VALUES} values`);
  return [...values];
}

/** Each filter of the input as a query, by the facet it narrows. */
export function filterClauses(
  filter: ProductFilter | null | undefined,
): Map<FacetField, estypes.QueryDslQueryContainer> {
  const clauses = new Map<FacetField, estypes.QueryDslQueryContainer>();
  if (!filter) return clauses;
  const brands = listFilter(filter.brands, 'brands');
  if (brands) clauses.set('brand', { terms: { 'brand.keyword': brands } });
  const categories = listFilter(filter.categoryIds, 'categoryIds');
  // Ids are lowercase UUIDs; categoryIds holds a product's category and every parent.
  if (categories) clauses.set('category', { terms: { categoryIds: categories.map((id) => id.toLowerCase()) } });
  const price = priceFilter(filter);
  if (price) clauses.set('price', price);
  if (filter.minRating !== null && filter.minRating !== undefined) {
    if (!(filter.minRating >= 0 && filter.minRating <= 5)) throw badUserInput('minRating must be between 0 and 5');
    if (filter.minRating > 0) clauses.set('rating', { range: { ratingAverage: { gte: filter.minRating } } });
  }
  if (filter.inStock !== null && filter.inStock !== undefined) {
    clauses.set('inStock', { term: { inStock: filter.inStock } });
  }
  return clauses;
}

/** The facets, named as the filter they narrow; `field` of SearchFacet says which is which. */
const FACETS: { field: FacetField; aggregation: estypes.AggregationsAggregationContainer }[] = [
  { field: 'brand', aggregation: { terms: { field: 'brand.keyword', size: 50 } } },
  {
    field: 'category',
    aggregation: {
      nested: { path: 'categoryPath' },
      aggs: {
        ids: {
          terms: { field: 'categoryPath.id', size: 50 },
          aggs: { name: { terms: { field: 'categoryPath.name', size: 1 } }, products: { reverse_nested: {} } },
        },
      },
    },
  },
  {
    field: 'price',
    aggregation: {
      range: {
        field: 'priceMinor',
        keyed: false,
        ranges: PRICE_BOUNDS.map((bound, i) => {
          const next = PRICE_BOUNDS[i + 1];
          return next === undefined ? { from: bound * 100 } : { from: bound * 100, to: next * 100 };
        }),
      },
    },
  },
  {
    field: 'rating',
    aggregation: { range: { field: 'ratingAverage', ranges: RATING_STEPS.map((from) => ({ from })) } },
  },
  { field: 'inStock', aggregation: { terms: { field: 'inStock', size: 2 } } },
];

const allOf = (clauses: readonly estypes.QueryDslQueryContainer[]): estypes.QueryDslQueryContainer =>
  clauses.length === 0 ? { match_all: {} } : { bool: { filter: [...clauses] } };

/**
 * Facets count what the query finds under every filter but their own: the filters go to
 * `post_filter` (hits only), and each facet's aggregation applies the other filters itself.
 */
function facetAggregations(
  clauses: ReadonlyMap<FacetField, estypes.QueryDslQueryContainer>,
): Record<string, estypes.AggregationsAggregationContainer> {
  return Object.fromEntries(
    FACETS.map(({ field, aggregation }) => [
      field,
      {
        filter: allOf([...clauses].filter(([other]) => other !== field).map(([, clause]) => clause)),
        aggs: { values: aggregation },
      },
    ]),
  );
}

// ------------------------------------------------------------------ the request

/** Validates the arguments (BAD_USER_INPUT before any I/O) and builds the request. */
export function buildSearchRequest(args: SearchArgs): SearchPlan {
  if (args.query.length > MAX_QUERY_LENGTH) {
    throw badUserInput(`query must be at most ${MAX_QUERY_LENGTH} characters`);
  }
  const first = pageSize(args.first, DEFAULT_PAGE);
  const browsing = args.query.trim() === '';
  const requested = args.sort ?? (browsing ? 'NEWEST' : 'RELEVANCE');
  // Without words every score is equal: browsing by relevance means newest first.
  const sort: ProductSort = browsing && requested === 'RELEVANCE' ? 'NEWEST' : requested;
  const clauses = filterClauses(args.filter);
  const query = textQuery(args.query);
  const hits: estypes.SearchRequest = {
    query,
    size: first + 1,
    sort: SORTS[sort].clauses,
    track_total_hits: true,
    _source: false,
  };
  if (clauses.size > 0) hits.post_filter = allOf([...clauses.values()]);
  let pit: string | null = null;
  if (args.after) {
    const position = decodeSearchCursor(args.after, sort, SORTS[sort].shape);
    hits.search_after = position.values;
    pit = position.pit;
  }
  const facets: estypes.SearchRequest = { query, size: 0, track_total_hits: false, aggs: facetAggregations(clauses) };
  return { first, sort, pit, hits, facets };
}

// ------------------------------------------------------------------ the response

interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  from?: number;
  to?: number;
  name?: { buckets: Bucket[] };
  products?: { doc_count: number };
}

const bucketsOf = (aggregate: unknown): Bucket[] => {
  const values = (aggregate as { values?: { buckets?: Bucket[]; ids?: { buckets?: Bucket[] } } } | undefined)?.values;
  return values?.buckets ?? values?.ids?.buckets ?? [];
};

function readFacet(field: FacetField, aggregate: unknown): SearchFacet {
  const values = bucketsOf(aggregate).flatMap((bucket): SearchFacet['values'] => {
    switch (field) {
      case 'category': {
        const count = bucket.products?.doc_count ?? 0;
        const label = String(bucket.name?.buckets[0]?.key ?? bucket.key);
        return count > 0 ? [{ value: String(bucket.key), label, count }] : [];
      }
      case 'price': {
        if (bucket.doc_count === 0) return [];
        const min = amount(bucket.from ?? 0);
        // Ranges end before `to`; the value names the last cent inside, so it can be a filter as it is.
        const max = bucket.to === undefined ? '*' : amount(bucket.to - 1);
        return [
          {
            value: `${min}..${max}`,
            label: max === '*' ? `${min} and above` : `${min} – ${max}`,
            count: bucket.doc_count,
          },
        ];
      }
      case 'rating': {
        const stars = bucket.from ?? 0;
        const label = `${stars} ${stars === 1 ? 'star' : 'stars'} and up`;
        return bucket.doc_count > 0 ? [{ value: String(stars), label, count: bucket.doc_count }] : [];
      }
      default: {
        const value = bucket.key_as_string ?? String(bucket.key);
        return bucket.doc_count > 0 ? [{ value, label: value, count: bucket.doc_count }] : [];
      }
    }
  });
  if (field === 'category') values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  // Elasticsearch orders ranges by their start; shoppers read ratings best first.
  if (field === 'rating') values.sort((a, b) => Number(b.value) - Number(a.value));
  return { field, values };
}

/** A hit's sort values as a cursor keeps them: the declared ones, without the `_shard_doc` a point in time appends. */
function positionOf(values: readonly unknown[] | undefined, shape: SortShape): (string | number)[] {
  return shape.map((type, i) => {
    const value = values?.[i];
    if (type === 'number' && typeof value === 'number') return value;
    if (type === 'string' && typeof value === 'string') return value;
    throw new Error(`unexpected sort value ${String(value)}`);
  });
}

const EMPTY_PAGE_INFO = { hasNextPage: false, endCursor: null };

/**
 * Reads the answer: one page of product references, the total, and the facets. Cursors name
 * the point in time the response answered from (its `pit_id`, which Elasticsearch may renew
 * with each page), so the next page reads the same index state.
 */
export function readSearchResponse(
  plan: SearchPlan,
  response: estypes.SearchResponse,
  facets: estypes.SearchResponse,
): ProductSearchConnection {
  const hits = response.hits.hits;
  const page = hits.slice(0, plan.first);
  const { shape } = SORTS[plan.sort];
  const pit = response.pit_id ?? null;
  const edges = page.map((hit) => ({
    cursor: encodeSearchCursor({ sort: plan.sort, pit, values: positionOf(hit.sort, shape) }),
    node: { id: hit._id ?? '' },
  }));
  const total = response.hits.total;
  return {
    totalCount: typeof total === 'number' ? total : (total?.value ?? 0),
    edges,
    pageInfo:
      edges.length === 0
        ? EMPTY_PAGE_INFO
        : { hasNextPage: hits.length > plan.first, endCursor: edges.at(-1)?.cursor ?? null },
    facets: FACETS.map(({ field }) => readFacet(field, facets.aggregations?.[field])),
  };
}

/** The answer when there is no index yet: nothing was indexed, so nothing matches. */
export const emptyConnection = (): ProductSearchConnection => ({
  totalCount: 0,
  edges: [],
  pageInfo: EMPTY_PAGE_INFO,
  facets: FACETS.map(({ field }) => ({ field, values: [] })),
});

// ------------------------------------------------------------------ suggestions

/** A validated suggestion request, or null when there is nothing to complete. */
export function buildSuggestRequest(prefix: string, first: number | null | undefined): estypes.SearchRequest | null {
  if (prefix.length > MAX_PREFIX_LENGTH) throw badUserInput(`prefix must be at most ${MAX_PREFIX_LENGTH} characters`);
  const size = first ?? 8;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SUGGESTIONS) {
    throw badUserInput(`first must be between 1 and ${MAX_SUGGESTIONS}`);
  }
  const trimmed = prefix.trimStart();
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return null;
  return {
    _source: ['name'],
    size: 0,
    suggest: {
      products: {
        prefix: trimmed,
        // Twice as many, because equal names are shown once.
        completion: { field: 'suggest', size: size * 2, fuzzy: { fuzziness: 'AUTO', min_length: 4, prefix_length: 1 } },
      },
    },
  };
}

/** Suggestions in the suggester's order, each product name once, at most `first`. */
export function readSuggestResponse(
  response: estypes.SearchResponse<{ name: string }>,
  first: number,
): SearchSuggestion[] {
  const options = response.suggest?.['products']?.[0]?.options;
  const seen = new Set<string>();
  const suggestions: SearchSuggestion[] = [];
  for (const option of Array.isArray(options) ? options : []) {
    const completion = option as estypes.SearchCompletionSuggestOption<{ name: string }>;
    const text = completion._source?.name ?? completion.text;
    if (seen.has(text) || completion._id === undefined) continue;
    seen.add(text);
    suggestions.push({ text, product: { id: completion._id } });
    if (suggestions.length === first) break;
  }
  return suggestions;
}
