import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_HOST } from '@emporium/config';
import { ROUTER, configuredReplicas, replicaOf } from '../infra/src/services.ts';
import { ROUTER_URL, contractOperation } from './client.ts';
import { connectAs, disconnectAll, routerFigures, sees, statuses, watch } from './live.ts';
import { CARDS, addToCart, checkout, newShopper, payOrder, productOnSale, tokenize } from './shop.ts';

/**
 * The platform with replicas (EMPORIUM_REPLICAS >= 2): clients use :4000 as always, which is
 * HAProxy round-robining over the router replicas, and nothing shows them it is more than one
 * router. With one replica there is no balancer and nothing here to prove.
 */
const REPLICAS = configuredReplicas();
const routers = Array.from({ length: REPLICAS }, (_, i) => replicaOf(ROUTER, i + 1));
const replicaGraphqlUrl = (port: number): string => `http://${LOCAL_HOST}:${port}/graphql`;

/** An operation name only this test sends, so each replica's count of it is this test's own. */
const PROBE = 'BalancerProbe';

/** How many `PROBE` requests a router replica has counted, from its own /metrics. */
async function probesCounted(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://${LOCAL_HOST}:${metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_requests_total{') && line.includes(`operation="${PROBE}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

afterEach(disconnectAll);

describe.skipIf(REPLICAS < 2)(`${REPLICAS} router replicas behind HAProxy on :4000`, () => {
  it('spreads requests through :4000 over every router replica', async () => {
    const before = await Promise.all(routers.map((router) => probesCounted(router.metricsPort ?? 0)));
    // Sequential, on one keep-alive connection, as a client would: each request is balanced on its own.
    for (let i = 0; i < 4 * REPLICAS; i++) {
      const response = await fetch(ROUTER_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query ${PROBE} { __typename }` }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }
    const after = await Promise.all(routers.map((router) => probesCounted(router.metricsPort ?? 0)));
    const served = after.map((count, i) => count - (before[i] ?? 0));
    expect(served.reduce((sum, count) => sum + count, 0)).toBe(4 * REPLICAS);
    for (const count of served) expect(count).toBeGreaterThan(0);
  });

  it('carries subscriptions over WebSocket through HAProxy to the end of the order', async () => {
    const product = await productOnSale('9.75', 5);
    const token = await newShopper('balanced');
    await addToCart(token, product.id, 1);
    const placed = await checkout(token);
    expect(placed.userErrors).toEqual([]);
    const orderId = placed.order?.id ?? '';

    // Two sockets per replica, opened one after another: round robin spreads them over the
    // routers (which ones exactly depends on other tests' traffic; the infra test shows the spread).
    const subscriptions = [...routers, ...routers].map(() =>
      watch(connectAs(token), contractOperation('OrderStatusChanged'), { orderId }),
    );
    for (const subscription of subscriptions) await sees(subscription.results, 'AWAITING_PAYMENT', 60_000);
    const open = await Promise.all(routers.map((router) => routerFigures(replicaGraphqlUrl(router.port))));
    expect(open.reduce((sum, figure) => sum + figure.clientSubscriptions, 0)).toBeGreaterThanOrEqual(
      subscriptions.length,
    );

    const paid = await payOrder(token, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
    expect(paid.userErrors).toEqual([]);
    for (const subscription of subscriptions) {
      expect(await subscription.ended).toEqual({ completed: true });
      expect(statuses(subscription.results).at(-1)).toBe('PAID');
    }
  });
});
