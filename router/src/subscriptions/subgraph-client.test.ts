import { ROUTER_ISSUER, assertionSigningKey, generateAssertionKeyPair, type Caller } from '@emporium/auth';
import { createLogger } from '@emporium/logging';
import { describe, expect, it } from 'vitest';
import { Flights } from '../fetch-deduplication.ts';
import type { Fetcher } from '../subgraph-fetcher.ts';
import type { SubgraphResponse } from './plan-executor.ts';
import { createSubgraphFetcher } from './subgraph-client.ts';

const signer = assertionSigningKey(ROUTER_ISSUER, generateAssertionKeyPair().privateKey);
const logger = createLogger('test', { level: 'silent' });
const request = {
  query: 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }',
  operationName: 'E',
  variables: { r: [{ __typename: 'Product', id: 'p1' }] },
};

/** A subgraph client that counts its calls and answers them all when told to. */
function slowSubgraph() {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  const fetcher = (async (url: string) => {
    calls.push(url);
    await new Promise<void>((resolve) => waiting.push(resolve));
    return { ok: true, status: 200, json: async () => ({ data: { _entities: [{ name: 'Lamp' }] } }) };
  }) as unknown as Fetcher;
  /** Resolves once `count` calls have reached the subgraph (signing comes first, and is async). */
  const called = async (count: number): Promise<void> => {
    while (calls.length < count) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    calls,
    fetcher,
    called,
    answer: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const fetcherFor = (
  caller: Caller | null,
  subgraph: ReturnType<typeof slowSubgraph>,
  flights: Flights<SubgraphResponse>,
) =>
  createSubgraphFetcher(() => 'http://product/graphql', signer, { caller, requestId: 'r' }, logger, {
    fetcher: subgraph.fetcher,
    flights,
  });

describe('completing events for many subscribers', () => {
  it("sends one fetch for the same caller's identical completions in flight, and gives each its own copy", async () => {
    const subgraph = slowSubgraph();
    const flights = new Flights<SubgraphResponse>();
    const shopper: Caller = { userId: 'u1', roles: ['SHOPPER'], sessionId: 's1' };
    const answers = Promise.all([1, 2, 3, 4].map(() => fetcherFor(shopper, subgraph, flights)('product', request)));
    await subgraph.called(1);
    subgraph.answer();
    const [first, ...rest] = await answers;
    expect(subgraph.calls).toHaveLength(1);
    for (const other of rest) {
      expect(other).toEqual(first);
      expect(other).not.toBe(first);
    }
  });

  it("never answers one caller with another's fetch", async () => {
    const subgraph = slowSubgraph();
    const flights = new Flights<SubgraphResponse>();
    const alice = fetcherFor({ userId: 'a', roles: ['SHOPPER'] }, subgraph, flights)('product', request);
    const bob = fetcherFor({ userId: 'b', roles: ['SHOPPER'] }, subgraph, flights)('product', request);
    await subgraph.called(2);
    subgraph.answer();
    await Promise.all([alice, bob]);
    expect(subgraph.calls).toHaveLength(2);
  });
});
