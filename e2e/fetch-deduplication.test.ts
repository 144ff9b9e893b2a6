import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_HOST } from '@emporium/config';
import { eventually } from '@emporium/testing';
import { contractOperation, gql, run } from './client.ts';
import { holdingProxy, startRouter, subgraphUrl, type ExtraProcess, type HoldingProxy } from './harness.ts';
import { newShopper } from './shop.ts';

/**
 * A router of the test's own whose search and identity subgraphs sit behind proxies that can
 * hold requests: while a fetch is held, identical requests pile up behind it in the router,
 * so what the router shares (and what it must not) is seen without relying on timing.
 */
const PORT = 4084;
const ADMIN_PORT = 4184;
const URL = `http://${LOCAL_HOST}:${PORT}/graphql`;
const METRICS = `http://${LOCAL_HOST}:${ADMIN_PORT}/metrics`;

/** The router's count of fetches it shared with one already in flight, for one subgraph. */
async function sharedFetches(subgraph: string): Promise<number> {
  const text = await (await fetch(METRICS)).text();
  const line = new RegExp(`^router_subgraph_fetches_shared_total\\{[^}]*subgraph="${subgraph}"[^}]*\\} (\\d+)`, 'm');
  return Number(line.exec(text)?.[1] ?? 0);
}

let search: HoldingProxy;
let identity: HoldingProxy;
let router: ExtraProcess;

beforeAll(async () => {
  search = await holdingProxy(subgraphUrl('search'));
  identity = await holdingProxy(subgraphUrl('identity'));
  router = await startRouter(PORT, {
    ROUTER_ADMIN_PORT: String(ADMIN_PORT),
    SUBGRAPH_SEARCH_URL: search.url,
    SUBGRAPH_IDENTITY_URL: identity.url,
  });
});

afterAll(async () => {
  router.child.kill('SIGTERM');
  await router.exited;
  await Promise.all([search.close(), identity.close()]);
});

/** `value` without its cursors, which name the Elasticsearch point in time a search read. */
const withoutCursors = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, field: unknown) =>
    key === 'cursor' || key === 'endCursor' || key === 'startCursor' ? undefined : field,
  );

interface SearchPage {
  searchProducts: { totalCount: number; edges: { node: { id: string; name: string } }[] };
}

describe('identical subgraph fetches in flight', () => {
  it('sends a burst of identical searches to the search subgraph once, and answers every client', async () => {
    const SEARCH = contractOperation('SearchProducts');
    const variables = { query: 'camera', first: 10 };
    const clients = 8;
    // The answer a search gets on its own, with nothing to share.
    const alone = await gql<SearchPage>(SEARCH, variables, { url: URL });
    expect(alone.errors).toBeUndefined();
    expect(alone.data?.searchProducts.edges.length).toBeGreaterThan(0);

    const before = await sharedFetches('search');
    const sentBefore = search.queries.length;
    search.hold((query) => query.includes('searchProducts'));
    const answers = Array.from({ length: clients }, () => gql<SearchPage>(SEARCH, variables, { url: URL }));
    // Every client but the first has joined the held fetch: only then may it answer.
    await eventually(async () => ((await sharedFetches('search')) >= before + clients - 1 ? true : undefined), {
      what: `${clients - 1} searches sharing the one in flight`,
    });
    search.release();

    const results = await Promise.all(answers);
    expect(search.queries.slice(sentBefore).filter((query) => query.includes('searchProducts'))).toHaveLength(1);
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      // One fetch answered them all, cursors included: they page on in the same point in time.
      expect(result.data).toEqual(results[0]?.data);
      // The search on its own read its own point in time, so only its cursors differ.
      expect(withoutCursors(result.data)).toEqual(withoutCursors(alone.data));
    }
  });

  it("never shares one signed-in caller's answer with another", async () => {
    const [alice, bob] = await Promise.all([newShopper('alice'), newShopper('bob')]);
    const whoIs = async (token: string): Promise<string | undefined> =>
      (await run<{ me: { id: string } | null }>('Me', {}, { token })).data?.me?.id;
    const [aliceId, bobId] = await Promise.all([whoIs(alice), whoIs(bob)]);
    expect(aliceId).toBeDefined();
    expect(bobId).not.toBe(aliceId);

    const ME = contractOperation('Me');
    const isMe = (query: string): boolean => /\bme\s*\{/.test(query);
    const before = await sharedFetches('identity');
    const sentBefore = identity.queries.length;
    identity.hold(isMe);
    const answers = [alice, bob, alice].map((token) => gql<{ me: { id: string } }>(ME, {}, { url: URL, token }));
    // Alice's second request joins her first; Bob's must reach identity on its own.
    await eventually(
      async () => {
        const upstream = identity.queries.slice(sentBefore).filter(isMe).length;
        return upstream >= 2 && (await sharedFetches('identity')) >= before + 1 ? true : undefined;
      },
      { what: "Bob's fetch of his own beside Alice's shared one" },
    );
    identity.release();

    const [first, second, third] = await Promise.all(answers);
    expect(identity.queries.slice(sentBefore).filter(isMe)).toHaveLength(2);
    expect([first?.data?.me.id, second?.data?.me.id, third?.data?.me.id]).toEqual([aliceId, bobId, aliceId]);
  });
});
