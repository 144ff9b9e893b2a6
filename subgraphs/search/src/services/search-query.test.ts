import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import type { estypes } from '@emporium/elasticsearch';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.ts';
import {
  buildSearchRequest,
  buildSuggestRequest,
  onSnapshot,
  queryWords,
  readSearchResponse,
  readSuggestResponse,
  textQuery,
} from './search-query.ts';

const code = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions['code'] : error;
  }
  return undefined;
};

describe('textQuery', () => {
  it('browses everything for an empty query and matches nothing for one without words', () => {
    expect(textQuery('   ')).toEqual({ match_all: {} });
    expect(textQuery('*?: " ( ) ~ ^')).toEqual({ match_none: {} });
  });

  it('keeps syntax characters out of the way: only match queries, no query_string', () => {
    const query = JSON.stringify(textQuery('"iphone" AND (pro*) title:x'));
    expect(query).not.toContain('query_string');
    expect(queryWords('"iphone" AND (pro*) title:x ~')).toEqual(['"iphone"', 'AND', '(pro*)', 'title:x']);
  });

  it('makes name and brand typo-tolerant and boosts the phrase in the name', () => {
    const text = JSON.stringify(textQuery('iphnoe pro'));
    expect(text).toContain('"fuzziness":"AUTO"');
    expect(text).toContain('"name^4","brand^3"');
    expect(text).toContain(JSON.stringify({ match_phrase: { name: { query: 'iphnoe pro', boost: 6 } } }));
  });
});

describe('buildSearchRequest', () => {
  it('validates the query length and page size before any I/O', () => {
    expect(code(() => buildSearchRequest({ query: 'x'.repeat(257) }))).toBe('BAD_USER_INPUT');
    expect(code(() => buildSearchRequest({ query: 'x'.repeat(256) }))).toBeUndefined();
    expect(code(() => buildSearchRequest({ query: 'x', first: 0 }))).toBe('BAD_USER_INPUT');
    expect(code(() => buildSearchRequest({ query: 'x', first: 101 }))).toBe('BAD_USER_INPUT');
  });

  it('browses newest first and searches by relevance, with the id as tiebreaker', () => {
    expect(buildSearchRequest({ query: '' }).sort).toBe('NEWEST');
    expect(buildSearchRequest({ query: '', sort: 'RELEVANCE' }).sort).toBe('NEWEST');
    const plan = buildSearchRequest({ query: 'phone', first: 5 });
    expect(plan.sort).toBe('RELEVANCE');
    expect(plan.hits.sort).toEqual([{ _score: { order: 'desc' } }, { id: 'asc' }]);
    expect(plan.hits.size).toBe(6);
    expect(plan.hits.track_total_hits).toBe(true);
  });

  it('puts filters in post_filter and gives each facet every filter but its own', () => {
    const plan = buildSearchRequest({
      query: 'phone',
      filter: { brands: ['Apple'], minPrice: '10', maxPrice: '99.99', categoryIds: ['ABC'], inStock: true },
    });
    const brand = { terms: { 'brand.keyword': ['Apple'] } };
    const price = { range: { priceMinor: { gte: 1000, lte: 9999 } } };
    expect(plan.hits.post_filter?.bool?.filter).toEqual([
      brand,
      { terms: { categoryIds: ['abc'] } },
      price,
      { term: { inStock: true } },
    ]);
    const aggs = plan.facets.aggs ?? {};
    const filters = (name: string) => aggs[name]?.filter?.bool?.filter as unknown[];
    expect(filters('brand')).not.toContainEqual(brand);
    expect(filters('brand')).toContainEqual(price);
    expect(filters('price')).not.toContainEqual(price);
    expect(filters('price')).toContainEqual(brand);
  });

  it.each([
    [{ minPrice: 'cheap' }],
    [{ minPrice: '-1' }],
    [{ maxPrice: '1.999' }],
    [{ minPrice: '20', maxPrice: '10' }],
    [{ minRating: 6 }],
  ])('rejects the filter %j', (filter) => {
    expect(code(() => buildSearchRequest({ query: '', filter }))).toBe('BAD_USER_INPUT');
  });
});

describe('paging', () => {
  it('starts a first page without a position or a point in time', () => {
    const plan = buildSearchRequest({ query: 'phone' });
    expect(plan.pit).toBeNull();
    expect(plan.hits.search_after).toBeUndefined();
  });

  it('pages on from the cursor: its sort values after, inside its point in time', () => {
    const cursor = encodeSearchCursor({ sort: 'RATING', pit: 'cGl0', values: [4.5, 12, 'p1'] });
    const plan = buildSearchRequest({ query: '', sort: 'RATING', after: cursor });
    expect(plan.pit).toBe('cGl0');
    expect(plan.hits.search_after).toEqual([4.5, 12, 'p1']);
    const request = onSnapshot(plan, 'cGl0', '1m');
    expect(request.pit).toEqual({ id: 'cGl0', keep_alive: '1m' });
    // The point in time names the indices; the request names none.
    expect(request).not.toHaveProperty('index');
    expect(request.sort).toEqual(plan.hits.sort);
    expect(request.search_after).toEqual([4.5, 12, 'p1']);
  });

  it('keeps the product id as the last sort value, so a position holds in any point in time', () => {
    for (const sort of ['RELEVANCE', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'RATING'] as const) {
      const clauses = buildSearchRequest({ query: 'x', sort }).hits.sort;
      expect(Array.isArray(clauses) ? clauses.at(-1) : clauses).toEqual({ id: 'asc' });
    }
  });

  it('refuses a forged cursor or one of another sort order before any I/O', () => {
    expect(code(() => buildSearchRequest({ query: 'x', after: 'garbage' }))).toBe('BAD_USER_INPUT');
    const newest = encodeSearchCursor({ sort: 'NEWEST', pit: 'cGl0', values: [1, 'p1'] });
    expect(code(() => buildSearchRequest({ query: '', sort: 'PRICE_ASC', after: newest }))).toBe('BAD_USER_INPUT');
  });
});

describe('readSearchResponse', () => {
  const plan = buildSearchRequest({ query: '', first: 2, sort: 'PRICE_ASC' });
  const response = {
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, failed: 0 },
    hits: {
      total: { value: 3, relation: 'eq' },
      hits: [
        { _index: 'i', _id: 'a', sort: [100, 'a'] },
        { _index: 'i', _id: 'b', sort: [200, 'b'] },
        { _index: 'i', _id: 'c', sort: [300, 'c'] },
      ],
    },
    aggregations: {
      brand: { doc_count: 3, values: { buckets: [{ key: 'Apple', doc_count: 2 }] } },
      category: {
        doc_count: 3,
        values: {
          doc_count: 6,
          ids: {
            buckets: [
              {
                key: 'c1',
                doc_count: 1,
                name: { buckets: [{ key: 'Mobiles', doc_count: 1 }] },
                products: { doc_count: 1 },
              },
              {
                key: 'c0',
                doc_count: 3,
                name: { buckets: [{ key: 'Electronics', doc_count: 3 }] },
                products: { doc_count: 3 },
              },
            ],
          },
        },
      },
      price: {
        doc_count: 3,
        values: {
          buckets: [
            { key: '0.0-2500.0', from: 0, to: 2500, doc_count: 3 },
            { key: '2500.0-5000.0', from: 2500, to: 5000, doc_count: 0 },
            { key: '200000.0-*', from: 200000, doc_count: 1 },
          ],
        },
      },
      rating: {
        doc_count: 3,
        values: {
          buckets: [
            { key: '1.0-*', from: 1, doc_count: 2 },
            { key: '4.0-*', from: 4, doc_count: 1 },
          ],
        },
      },
      inStock: { doc_count: 3, values: { buckets: [{ key: 1, key_as_string: 'true', doc_count: 3 }] } },
    },
  } as unknown as estypes.SearchResponse;

  it('returns one page, a cursor per edge, whether more follow, and the facets', () => {
    const connection = readSearchResponse(plan, response, response);
    expect(connection.totalCount).toBe(3);
    expect(connection.edges.map((edge) => edge.node?.id)).toEqual(['a', 'b']);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: connection.edges[1]?.cursor });
    expect(decodeSearchCursor(connection.pageInfo.endCursor ?? '', 'PRICE_ASC', ['number', 'string'])).toEqual({
      sort: 'PRICE_ASC',
      pit: null,
      values: [200, 'b'],
    });
    expect(connection.facets).toEqual([
      { field: 'brand', values: [{ value: 'Apple', label: 'Apple', count: 2 }] },
      {
        field: 'category',
        values: [
          { value: 'c0', label: 'Electronics', count: 3 },
          { value: 'c1', label: 'Mobiles', count: 1 },
        ],
      },
      {
        field: 'price',
        values: [
          { value: '0.00..24.99', label: '0.00 – 24.99', count: 3 },
          { value: '2000.00..*', label: '2000.00 and above', count: 1 },
        ],
      },
      {
        field: 'rating',
        values: [
          { value: '4', label: '4 stars and up', count: 1 },
          { value: '1', label: '1 star and up', count: 2 },
        ],
      },
      { field: 'inStock', values: [{ value: 'true', label: 'true', count: 3 }] },
    ]);
  });
});

describe('readSearchResponse inside a point in time', () => {
  it('names the point in time the response gave in every cursor, without the _shard_doc tiebreaker', () => {
    const plan = buildSearchRequest({ query: 'phone', first: 1 });
    const response = {
      took: 1,
      timed_out: false,
      pit_id: 'cmVuZXdlZA==',
      _shards: { total: 1, successful: 1, failed: 0 },
      hits: {
        total: { value: 2, relation: 'eq' },
        hits: [
          { _index: 'i', _id: 'a', sort: [2.5, 'a', 7] },
          { _index: 'i', _id: 'b', sort: [1.5, 'b', 9] },
        ],
      },
    } as unknown as estypes.SearchResponse;
    const connection = readSearchResponse(plan, response, response);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(decodeSearchCursor(connection.pageInfo.endCursor ?? '', 'RELEVANCE', ['number', 'string'])).toEqual({
      sort: 'RELEVANCE',
      pit: 'cmVuZXdlZA==',
      values: [2.5, 'a'],
    });
  });
});

describe('suggestions', () => {
  it('validate the prefix and the count, and skip a prefix without words', () => {
    expect(code(() => buildSuggestRequest('x'.repeat(101), 8))).toBe('BAD_USER_INPUT');
    expect(code(() => buildSuggestRequest('ip', 0))).toBe('BAD_USER_INPUT');
    expect(code(() => buildSuggestRequest('ip', 21))).toBe('BAD_USER_INPUT');
    expect(buildSuggestRequest('  ', 8)).toBeNull();
    expect(JSON.stringify(buildSuggestRequest('iph', 3))).toContain('"size":6');
  });

  it('show each product name once, at most `first`', () => {
    const option = (id: string, name: string) => ({
      _id: id,
      _index: 'i',
      text: name.toLowerCase(),
      _source: { name },
    });
    const response = {
      suggest: {
        products: [
          {
            text: 'iph',
            offset: 0,
            length: 3,
            options: [
              option('1', 'iPhone 15'),
              option('2', 'iPhone 15'),
              option('3', 'iPhone 14'),
              option('4', 'iPhone 13'),
            ],
          },
        ],
      },
    } as unknown as estypes.SearchResponse<{ name: string }>;
    expect(readSuggestResponse(response, 2)).toEqual([
      { text: 'iPhone 15', product: { id: '1' } },
      { text: 'iPhone 14', product: { id: '3' } },
    ]);
  });
});
