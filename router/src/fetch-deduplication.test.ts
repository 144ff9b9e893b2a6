import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Caller } from '@emporium/auth';
import { describe, expect, it, vi } from 'vitest';
import { deduplicateFetches } from './fetch-deduplication.ts';

interface Context {
  caller: Caller | null;
}

const SEARCH = 'query Search__search__0($q:String!){searchProducts(query:$q){totalCount}}';
const ME = 'query Me__identity__0{me{id}}';
const PLACE = 'mutation Place__order__0($id:ID!){placeOrder(cartId:$id){id}}';

const alice: Caller = { userId: 'alice', roles: ['SHOPPER'], sessionId: 's-a' };
const bob: Caller = { userId: 'bob', roles: ['SHOPPER'], sessionId: 's-b' };

/**
 * A subgraph that holds every request until the test lets it answer: the real
 * RemoteGraphQLDataSource over a fetcher that counts what reaches the network.
 */
function heldSubgraph(answer: (body: { query: string; variables?: unknown }) => Response = () => ok({ n: 1 })) {
  const released = Promise.withResolvers<undefined>();
  const sent: { query: string; variables?: unknown }[] = [];
  const arrived = Promise.withResolvers<undefined>();
  const source = new RemoteGraphQLDataSource<Context>({
    url: 'http://subgraph.test/graphql',
    fetcher: async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as { query: string; variables?: unknown };
      sent.push(body);
      arrived.resolve(undefined);
      await released.promise;
      return answer(body);
    },
  });
  const onShared = vi.fn<(subgraph: string) => void>();
  return {
    source: deduplicateFetches(source, { subgraph: 'search', onShared }),
    sent,
    onShared,
    /** Resolves once the first request has reached the subgraph. */
    arrival: arrived.promise,
    release: () => {
      released.resolve(undefined);
    },
  };
}

function ok(data: unknown): Response {
  return new Response(JSON.stringify({ data }), { headers: { 'content-type': 'application/json' } });
}

/** What the gateway passes for one fetch of a client's operation. */
function fetchOf(
  query: string,
  caller: Caller | null,
  variables: Record<string, unknown> = {},
): GraphQLDataSourceProcessOptions<Context> {
  const restrict = vi.fn();
  return {
    kind: 'incoming operation',
    request: { query, variables },
    context: { caller },
    incomingRequestContext: { overallCachePolicy: { restrict } },
  } as unknown as GraphQLDataSourceProcessOptions<Context>;
}

describe('in-flight deduplication of subgraph fetches', () => {
  it('sends two identical anonymous queries once, and gives each caller its own copy', async () => {
    const subgraph = heldSubgraph(() => ok({ searchProducts: { totalCount: 7 } }));
    const first = subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' }));
    const second = subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' }));
    await subgraph.arrival;
    subgraph.release();
    const [a, b] = await Promise.all([first, second]);

    expect(subgraph.sent).toHaveLength(1);
    expect(subgraph.onShared).toHaveBeenCalledExactlyOnceWith('search');
    expect(a.data).toEqual({ searchProducts: { totalCount: 7 } });
    expect(b.data).toEqual(a.data);
    // The gateway writes into what it receives: one caller's writes must not reach the other.
    (a.data as { searchProducts: { totalCount: number } }).searchProducts.totalCount = 0;
    expect(b.data).toEqual({ searchProducts: { totalCount: 7 } });
  });

  it('never shares between different signed-in callers, nor between one and an anonymous caller', async () => {
    const subgraph = heldSubgraph((body) => ok({ asked: body.query }));
    const answers = [
      subgraph.source.process(fetchOf(ME, alice)),
      subgraph.source.process(fetchOf(ME, bob)),
      subgraph.source.process(fetchOf(ME, null)),
      subgraph.source.process(fetchOf(ME, { ...alice, sessionId: 's-a2' })),
    ];
    await subgraph.arrival;
    subgraph.release();
    await Promise.all(answers);

    expect(subgraph.sent).toHaveLength(4);
    expect(subgraph.onShared).not.toHaveBeenCalled();
  });

  it('shares between fetches of the same signed-in caller', async () => {
    const subgraph = heldSubgraph();
    const answers = [subgraph.source.process(fetchOf(ME, alice)), subgraph.source.process(fetchOf(ME, { ...alice }))];
    await subgraph.arrival;
    subgraph.release();
    await Promise.all(answers);

    expect(subgraph.sent).toHaveLength(1);
  });

  it('never shares a mutation', async () => {
    const subgraph = heldSubgraph();
    const answers = [
      subgraph.source.process(fetchOf(PLACE, null, { id: 'c1' })),
      subgraph.source.process(fetchOf(PLACE, null, { id: 'c1' })),
    ];
    await subgraph.arrival;
    subgraph.release();
    await Promise.all(answers);

    expect(subgraph.sent).toHaveLength(2);
    expect(subgraph.onShared).not.toHaveBeenCalled();
  });

  it('sends queries with different variables apart', async () => {
    const subgraph = heldSubgraph();
    const answers = [
      subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' })),
      subgraph.source.process(fetchOf(SEARCH, null, { q: 'camera' })),
    ];
    await subgraph.arrival;
    subgraph.release();
    await Promise.all(answers);

    expect(subgraph.sent.map((body) => body.variables)).toEqual([{ q: 'lens' }, { q: 'camera' }]);
  });

  it("gives every waiter the leader's failure as an error", async () => {
    const subgraph = heldSubgraph(() => new Response('down', { status: 502 }));
    const answers = [
      subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' })),
      subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' })),
    ];
    await subgraph.arrival;
    subgraph.release();
    const results = await Promise.allSettled(answers);

    expect(subgraph.sent).toHaveLength(1);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('keeps nothing once the answer is in: the next identical query is sent again', async () => {
    const subgraph = heldSubgraph();
    subgraph.release();
    await subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' }));
    await subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' }));

    expect(subgraph.sent).toHaveLength(2);
    expect(subgraph.onShared).not.toHaveBeenCalled();
  });

  it('keeps nothing after a failure either', async () => {
    const subgraph = heldSubgraph(() => new Response('down', { status: 502 }));
    subgraph.release();
    await expect(subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' }))).rejects.toThrow();
    await expect(subgraph.source.process(fetchOf(SEARCH, null, { q: 'lens' }))).rejects.toThrow();

    expect(subgraph.sent).toHaveLength(2);
  });
});
