import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Caller } from '@emporium/auth';
import { describe, expect, it } from 'vitest';
import { EntityCache, cacheFetches, publicMaxAge, type CacheLookup } from './entity-cache.ts';

interface Context {
  caller: Caller | null;
}

const PRODUCT = 'query Product__product__0($id:ID!){product(id:$id){name}}';
const ENTITIES =
  'query Page__product__1($representations:[_Any!]!){_entities(representations:$representations){...on Product{name}}}';
const LIST = 'query Page__product__0{products(first:2){edges{node{id name}}}}';
const representations = (...ids: string[]) => ({ representations: ids.map((id) => ({ __typename: 'Product', id })) });
const RENAME = 'mutation Rename__product__0($id:ID!){updateProduct(input:{id:$id,name:"x"}){product{id}}}';
const alice: Caller = { userId: 'alice', roles: ['SHOPPER'], sessionId: 's-a' };

interface Answer {
  data?: unknown;
  errors?: unknown[];
  cacheControl?: string;
}

/**
 * The product subgraph as the router sees it: the real RemoteGraphQLDataSource over a fetcher
 * that records what reaches the network and answers with what the test says, Cache-Control
 * included, wrapped in the entity cache.
 */
function productSubgraph(options: { inSync?: () => boolean; subgraphs?: string[] } = {}) {
  const sent: { query: string; variables?: unknown }[] = [];
  let next: Answer = { data: { product: { name: 'Lens' } }, cacheControl: 'max-age=60, public' };
  let gate: Promise<unknown> = Promise.resolve();
  const lookups: CacheLookup[] = [];
  const cache = new EntityCache({
    subgraphs: options.subgraphs ?? ['product'],
    maxBytesPerSubgraph: 1024 * 1024,
    inSync: options.inSync ?? (() => true),
  });
  const source = new RemoteGraphQLDataSource<Context>({
    url: 'http://product.test/graphql',
    fetcher: async (_url, init) => {
      sent.push(JSON.parse(String(init?.body)) as { query: string; variables?: unknown });
      const answer = next;
      await gate;
      const headers = new Headers({ 'content-type': 'application/json' });
      if (answer.cacheControl) headers.set('cache-control', answer.cacheControl);
      return new Response(JSON.stringify({ data: answer.data, errors: answer.errors }), { headers });
    },
  });
  return {
    cache,
    sent,
    lookups,
    source: cacheFetches(source, { subgraph: 'product', cache, onLookup: (_subgraph, lookup) => lookups.push(lookup) }),
    answer(answer: Answer) {
      next = answer;
    },
    /** Holds every answer from now on until the promise given settles. */
    holdUntil(promise: Promise<unknown>) {
      gate = promise;
    },
  };
}

function fetchOf(
  query: string,
  variables: Record<string, unknown> = { id: 'p1' },
  caller: Caller | null = null,
): GraphQLDataSourceProcessOptions<Context> {
  return {
    kind: 'incoming operation',
    request: { query, variables },
    context: { caller },
    incomingRequestContext: { overallCachePolicy: {} },
  } as unknown as GraphQLDataSourceProcessOptions<Context>;
}

describe('the entity cache', () => {
  it('answers a repeated public query from memory, for any caller, each with its own copy', async () => {
    const subgraph = productSubgraph();
    const first = await subgraph.source.process(fetchOf(PRODUCT));
    const second = await subgraph.source.process(fetchOf(PRODUCT));
    const signedIn = await subgraph.source.process(fetchOf(PRODUCT, { id: 'p1' }, alice));

    expect(subgraph.sent).toHaveLength(1);
    expect(subgraph.lookups).toEqual(['miss', 'hit', 'hit']);
    expect(second.data).toEqual({ product: { name: 'Lens' } });
    expect(signedIn.data).toEqual(first.data);
    // The gateway writes into what it receives: one caller's writes must not reach the next.
    (second.data as { product: { name: string } }).product.name = 'changed';
    expect((await subgraph.source.process(fetchOf(PRODUCT))).data).toEqual({ product: { name: 'Lens' } });
  });

  it('sends queries with other variables on their own', async () => {
    const subgraph = productSubgraph();
    await subgraph.source.process(fetchOf(PRODUCT, { id: 'p1' }));
    await subgraph.source.process(fetchOf(PRODUCT, { id: 'p2' }));
    expect(subgraph.sent.map((body) => body.variables)).toEqual([{ id: 'p1' }, { id: 'p2' }]);
  });

  it.each([
    ['no Cache-Control', undefined],
    ['no-store', 'no-store'],
    ['a private answer', 'max-age=60, private'],
    ['a max-age of 0', 'max-age=0, public'],
  ])('keeps nothing the subgraph did not declare public and cacheable: %s', async (_case, cacheControl) => {
    const subgraph = productSubgraph();
    subgraph.answer({ data: { product: { name: 'Lens' } }, ...(cacheControl ? { cacheControl } : {}) });
    await subgraph.source.process(fetchOf(PRODUCT));
    await subgraph.source.process(fetchOf(PRODUCT));
    expect(subgraph.sent).toHaveLength(2);
  });

  it('keeps no answer that carries errors', async () => {
    const subgraph = productSubgraph();
    subgraph.answer({
      data: { product: null },
      errors: [{ message: 'database down' }],
      cacheControl: 'max-age=60, public',
    });
    await subgraph.source.process(fetchOf(PRODUCT));
    await subgraph.source.process(fetchOf(PRODUCT));
    expect(subgraph.sent).toHaveLength(2);
  });

  it('asks the subgraph again after a reported change, and gets the new answer', async () => {
    const subgraph = productSubgraph();
    await subgraph.source.process(fetchOf(PRODUCT));
    subgraph.answer({ data: { product: { name: 'Lens II' } }, cacheControl: 'max-age=60, public' });
    subgraph.cache.invalidate('product');
    expect((await subgraph.source.process(fetchOf(PRODUCT))).data).toEqual({ product: { name: 'Lens II' } });
    expect(subgraph.sent).toHaveLength(2);
  });

  it('drops only the answers read from a changed product, and every list', async () => {
    const subgraph = productSubgraph();
    // Fresh each time, as the gateway makes them: a data source writes into what it is given.
    const reads = () => [
      fetchOf(ENTITIES, representations('p1', 'p2')),
      fetchOf(ENTITIES, representations('p3')),
      fetchOf(PRODUCT, { id: 'P2' }),
      fetchOf(PRODUCT, { id: 'p4' }),
      fetchOf(LIST, {}),
    ];
    for (const read of reads()) await subgraph.source.process(read);
    subgraph.cache.invalidate('product', ['p2']);
    for (const read of reads()) await subgraph.source.process(read);
    // p1+p2 (read from p2), P2 (the same id in other case) and the list again; p3 and p4 kept.
    expect(subgraph.lookups.slice(5)).toEqual(['miss', 'hit', 'miss', 'hit', 'miss']);
  });

  it('drops every answer on a change it cannot tie to products', async () => {
    const subgraph = productSubgraph();
    await subgraph.source.process(fetchOf(ENTITIES, representations('p1')));
    subgraph.cache.invalidate('product');
    await subgraph.source.process(fetchOf(ENTITIES, representations('p1')));
    expect(subgraph.lookups).toEqual(['miss', 'miss']);
  });

  it("keeps an answer fetched across another product's change, not across its own", async () => {
    const subgraph = productSubgraph();
    for (const changed of ['p9', 'p1']) {
      const held = Promise.withResolvers<undefined>();
      subgraph.holdUntil(held.promise);
      const inFlight = subgraph.source.process(fetchOf(ENTITIES, representations('p1')));
      subgraph.cache.invalidate('product', [changed]);
      held.resolve(undefined);
      await inFlight;
      subgraph.holdUntil(Promise.resolve());
      await subgraph.source.process(fetchOf(ENTITIES, representations('p1')));
      subgraph.cache.invalidate('product');
    }
    expect(subgraph.lookups).toEqual(['miss', 'hit', 'miss', 'miss']);
  });

  it('does not keep an answer fetched across a change: it may predate the change', async () => {
    const subgraph = productSubgraph();
    const held = Promise.withResolvers<undefined>();
    subgraph.holdUntil(held.promise);
    const inFlight = subgraph.source.process(fetchOf(PRODUCT));
    subgraph.cache.invalidate('product');
    held.resolve(undefined);
    await inFlight;
    await subgraph.source.process(fetchOf(PRODUCT));
    expect(subgraph.sent).toHaveLength(2);
  });

  it('drops the subgraph answers when a mutation goes to it, so its caller reads the write at once', async () => {
    const subgraph = productSubgraph();
    await subgraph.source.process(fetchOf(PRODUCT));
    subgraph.answer({ data: { updateProduct: { product: { id: 'p1' } } } });
    await subgraph.source.process(fetchOf(RENAME));
    subgraph.answer({ data: { product: { name: 'x' } }, cacheControl: 'max-age=60, public' });
    expect((await subgraph.source.process(fetchOf(PRODUCT))).data).toEqual({ product: { name: 'x' } });
    expect(subgraph.sent).toHaveLength(3);
  });

  it('is bypassed while the change stream is not followed: nothing read, nothing kept', async () => {
    let inSync = false;
    const subgraph = productSubgraph({ inSync: () => inSync });
    await subgraph.source.process(fetchOf(PRODUCT));
    inSync = true;
    await subgraph.source.process(fetchOf(PRODUCT));
    await subgraph.source.process(fetchOf(PRODUCT));
    inSync = false;
    await subgraph.source.process(fetchOf(PRODUCT));
    expect(subgraph.lookups).toEqual(['bypass', 'miss', 'hit', 'bypass']);
    expect(subgraph.sent).toHaveLength(3);
  });

  it('keeps answers only of the subgraphs whose changes it follows', () => {
    const cache = new EntityCache({ subgraphs: ['product'], maxBytesPerSubgraph: 1024, inSync: () => true });
    expect(cache.covers('product')).toBe(true);
    expect(cache.covers('cart')).toBe(false);
  });
});

describe('publicMaxAge', () => {
  it.each([
    ['max-age=60, public', 60],
    ['public, max-age=5', 5],
    ['max-age=60, private', 0],
    ['max-age=60', 0],
    ['no-store', 0],
    ['public, no-store, max-age=60', 0],
    ['max-age=abc, public', 0],
    [null, 0],
  ])('reads %s as %i s', (header, seconds) => {
    expect(publicMaxAge(header)).toBe(seconds);
  });
});
