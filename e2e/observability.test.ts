import { randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_HOST } from '@emporium/config';
import { LOCAL_TELEMETRY_PORTS } from '@emporium/telemetry';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '@emporium/testing';
import { waitFor } from '../infra/src/process.ts';
import { SERVICES, processName } from '../infra/src/services.ts';
import { ROUTER_URL, contractOperation, gql } from './client.ts';
import { connectAs, disconnectAll, sees, watch } from './live.ts';
import { metricsUrlsOf, processesOf } from './replicas.ts';
import { CARDS, addToCart, newShopper, orderReaches, productOnSale, tokenize } from './shop.ts';

const ZIPKIN = `http://${LOCAL_HOST}:${LOCAL_TELEMETRY_PORTS.zipkin}`;
const PROMETHEUS = `http://${LOCAL_HOST}:${LOCAL_TELEMETRY_PORTS.prometheus}`;

/** One sample of Prometheus's text format: a series name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const samples: Sample[] = [];
  for (const line of (await response.text()).split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * The samples of every running process of `name` together (each replica's, with replicas), so
 * {@link total} sums a counter over the service: which replica served a request is the balancer's choice.
 */
async function scrapeAll(name: string): Promise<Sample[]> {
  return (await Promise.all(metricsUrlsOf(name).map((url) => scrape(url)))).flat();
}

/** The sum of a series over every sample whose labels include `labels` (0 when none yet). */
const total = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v))
    .reduce((sum, sample) => sum + sample.value, 0);

interface ZipkinSpan {
  id: string;
  parentId?: string;
  name?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** A fresh W3C trace context of a client that samples its trace. */
function clientTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

/**
 * Polls Zipkin until the trace holds a span of each of `services` (each process sends its
 * spans in batches of its own, seconds apart); returns the spans it holds by then.
 */
async function traceOf(traceId: string, services: readonly string[]): Promise<ZipkinSpan[]> {
  let spans: ZipkinSpan[] = [];
  await waitFor(
    async () => {
      const answer = await fetch(`${ZIPKIN}/api/v2/trace/${traceId}`);
      spans = answer.ok ? ((await answer.json()) as ZipkinSpan[]) : [];
      const present = new Set(spans.map((span) => span.localEndpoint?.serviceName));
      return services.every((service) => present.has(service));
    },
    { timeoutMs: 30_000 },
  );
  return spans;
}

const servicesOf = (spans: readonly ZipkinSpan[]): Set<string | undefined> =>
  new Set(spans.map((span) => span.localEndpoint?.serviceName));

/** A shopper with one product in the cart, ready to check out. */
async function shopperWithCart(): Promise<string> {
  const shopper = await newShopper('traced');
  const product = await productOnSale('12.00', 5);
  const added = await addToCart(shopper, product.id, 1);
  expect(added.userErrors).toEqual([]);
  return shopper;
}

/** Checks the shopper's cart out under the client's trace context; the order's id. */
async function tracedCheckout(shopper: string, traceparent: string): Promise<string> {
  const placed = await gql<{ checkout: { order: { id: string } | null; userErrors: unknown[] } }>(
    contractOperation('Checkout'),
    { input: { idempotencyKey: randomUUID() } },
    { token: shopper, headers: { traceparent } },
  );
  const id = placed.data?.checkout.order?.id;
  if (!id) throw new Error(`checkout failed: ${JSON.stringify(placed)}`);
  return id;
}

let productId: string;

beforeAll(async () => {
  // Any product will do; a search that fails for a moment (a replica just started) is asked again.
  productId = await eventually(
    async () => {
      const found = await gql<{ searchProducts: { edges: { node: { id: string } }[] } }>(
        contractOperation('SearchProducts'),
        { query: 'phone', first: 1 },
      );
      return found.data?.searchProducts.edges[0]?.node.id;
    },
    { what: 'a product found by search' },
  );
});

/** HTTP client spans directly under the gateway's fetch from `service`. */
const callsUnder = (spans: readonly ZipkinSpan[], service: string): number => {
  const fetch = spans.find((span) => span.name === 'gateway.fetch' && span.tags?.['service'] === service);
  return fetch ? spans.filter((span) => span.parentId === fetch.id).length : 0;
};

describe('traces', () => {
  it("continues a client's traceparent through the router: the operation, its plan and each subgraph fetch", async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    // A comment makes the document new to the gateway, so it plans it (and says so) again.
    const document = `${contractOperation('ProductDetails')}\n# trace ${traceId}`;
    const response = await gql(
      document,
      { id: productId },
      { headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } },
    );
    expect(response.errors).toBeUndefined();

    // Spans leave the router in batches: poll the trace store until the whole request is there.
    let spans: ZipkinSpan[] = [];
    const names = (): string[] => spans.map((span) => span.name ?? '');
    const arrived = await waitFor(
      async () => {
        const answer = await fetch(`${ZIPKIN}/api/v2/trace/${traceId}`);
        spans = answer.ok ? ((await answer.json()) as ZipkinSpan[]) : [];
        // The whole request: its operation and plan, the three fetches, and the HTTP calls under them.
        return (
          ['query productdetails', 'gateway.plan'].every((name) => names().includes(name)) &&
          spans.filter((span) => span.name === 'gateway.fetch').length >= 3 &&
          callsUnder(spans, 'product') + callsUnder(spans, 'cart') >= 2 &&
          // Each subgraph sends its own spans, in batches of its own.
          ['product', 'cart'].every((service) => spans.some((span) => span.localEndpoint?.serviceName === service))
        );
      },
      { timeoutMs: 30_000 },
    );
    expect(arrived, `spans so far: ${names().join(', ')}`).toBe(true);

    // The router's spans, and under its calls those of the subgraphs it called, which trace too.
    const routerSpans = new Set(
      spans.filter((span) => span.localEndpoint?.serviceName === 'router').map((span) => span.id),
    );
    const subgraphSpans = spans.filter((span) => span.localEndpoint?.serviceName !== 'router');
    for (const service of ['product', 'cart']) {
      const served = subgraphSpans.find(
        (span) => span.localEndpoint?.serviceName === service && routerSpans.has(span.parentId ?? ''),
      );
      expect(served, `a ${service} span under the router's call`).toBeDefined();
    }
    // The router's span for the request is a child of the client's.
    const operation = spans.find((span) => span.name === 'query productdetails');
    expect(operation?.parentId).toBe(clientSpanId);
    expect(operation?.tags?.['graphql.operation.name']).toBe('ProductDetails');
    // ProductDetails needs the product, cart (inventory) and identity (review authors) subgraphs.
    const fetched = spans.filter((span) => span.name === 'gateway.fetch').map((span) => span.tags?.['service']);
    expect(new Set(fetched)).toEqual(new Set(['product', 'cart', 'identity']));
    // A fetch is an HTTP call that carries the trace on (its client span sits under the fetch). The
    // identity fetch for review authors makes no call when the product has no reviews.
    expect(callsUnder(spans, 'product')).toBe(1);
    expect(callsUnder(spans, 'cart')).toBe(1);
  });
});

describe('traces across Kafka', () => {
  it("follows a checkout from the client's traceparent through order, cart-worker and order-worker", async () => {
    const shopper = await shopperWithCart();
    const { traceId, traceparent } = clientTrace();
    const orderId = await tracedCheckout(shopper, traceparent);
    // The reservation (cart-worker) and the status it leads to (order-worker) happen over Kafka.
    await orderReaches(shopper, orderId, 'AWAITING_PAYMENT');

    const spans = await traceOf(traceId, ['router', 'order', 'cart-worker', 'order-worker']);
    const services = servicesOf(spans);
    expect([...services].sort(), `spans: ${spans.map((span) => span.name).join(', ')}`).toEqual(
      expect.arrayContaining(['router', 'order', 'cart-worker', 'order-worker']),
    );
    // The workers' spans are the events they applied, with the queries each ran beneath them.
    const processed = (service: string): ZipkinSpan[] =>
      spans.filter((span) => span.localEndpoint?.serviceName === service && span.name?.startsWith('process '));
    expect(processed('cart-worker').map((span) => span.name)).toContain('process orderplaced');
    expect(processed('order-worker').map((span) => span.name)).toContain('process stockreserved');
    const reservation = processed('cart-worker').find((span) => span.name === 'process orderplaced');
    expect(spans.some((span) => span.parentId === reservation?.id && span.name?.startsWith('pg.query'))).toBe(true);
  });

  it('follows a payment from payOrder through the provider and its webhook to PAID', async () => {
    const shopper = await shopperWithCart();
    const orderId = await tracedCheckout(shopper, clientTrace().traceparent);
    await orderReaches(shopper, orderId, 'AWAITING_PAYMENT');
    const { traceId, traceparent } = clientTrace();
    const paid = await gql<{ payOrder: { userErrors: unknown[] } }>(
      contractOperation('PayOrder'),
      {
        input: {
          orderId,
          idempotencyKey: randomUUID(),
          paymentType: 'CARD',
          paymentMode: 'ONLINE',
          paymentMethodToken: await tokenize(CARDS.success),
        },
      },
      { token: shopper, headers: { traceparent } },
    );
    expect(paid.data?.payOrder.userErrors).toEqual([]);
    await orderReaches(shopper, orderId, 'PAID');

    const spans = await traceOf(traceId, ['router', 'payment', 'payment-provider', 'order-worker']);
    expect([...servicesOf(spans)], `spans: ${spans.map((span) => span.name).join(', ')}`).toEqual(
      expect.arrayContaining(['router', 'payment', 'payment-provider', 'order-worker']),
    );
    // PAID is the order worker applying the payment's outcome, which the webhook published.
    expect(
      spans.some(
        (span) => span.localEndpoint?.serviceName === 'order-worker' && span.name === 'process paymentsucceeded',
      ),
    ).toBe(true);
  });
});

describe('the push to a subscriber', () => {
  afterEach(disconnectAll);

  it('shows in the trace of the payment whose status change it pushes, under the event it carries', async () => {
    const shopper = await shopperWithCart();
    const orderId = await tracedCheckout(shopper, clientTrace().traceparent);
    const subscription = watch(connectAs(shopper), contractOperation('OrderStatusChanged'), { orderId });
    // From here on the status changes reach the subscriber live, over Kafka, not from the history.
    await sees(subscription.results, 'AWAITING_PAYMENT', 60_000);
    const { traceId, traceparent } = clientTrace();
    const paid = await gql<{ payOrder: { userErrors: unknown[] } }>(
      contractOperation('PayOrder'),
      {
        input: {
          orderId,
          idempotencyKey: randomUUID(),
          paymentType: 'CARD',
          paymentMode: 'ONLINE',
          paymentMethodToken: await tokenize(CARDS.success),
        },
      },
      { token: shopper, headers: { traceparent } },
    );
    expect(paid.data?.payOrder.userErrors).toEqual([]);
    expect(await subscription.ended).toEqual({ completed: true });

    // The router's push of PAID, a child of the order worker's span that published it.
    const pushes = (spans: readonly ZipkinSpan[]): ZipkinSpan[] =>
      spans.filter((span) => span.localEndpoint?.serviceName === 'router' && span.name === 'subscription push');
    const spans = await eventually(
      async () => {
        const answer = await fetch(`${ZIPKIN}/api/v2/trace/${traceId}`);
        const found = answer.ok ? ((await answer.json()) as ZipkinSpan[]) : [];
        return pushes(found).length > 0 && servicesOf(found).has('order-worker') ? found : undefined;
      },
      { timeoutMs: 30_000, what: `a subscription push span in trace ${traceId}` },
    );
    const push = pushes(spans)[0];
    expect(push?.tags?.['graphql.operation.name']).toBe('OrderStatusChanged');
    const parent = spans.find((span) => span.id === push?.parentId);
    expect(parent?.localEndpoint?.serviceName).toBe('order-worker');
  });
});

describe('metrics', () => {
  it('serves the router metrics on the admin port, not the public one', async () => {
    const publicPort = await fetch(new URL('/metrics', ROUTER_URL));
    expect(publicPort.status).toBe(404);
    const samples = await scrapeAll('router');
    expect(total(samples, 'nodejs_eventloop_lag_seconds', { service: 'router' })).toBeGreaterThanOrEqual(0);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('counts operations, their durations, subgraph fetches and refusals', async () => {
    const operation = { operation: 'ProductDetails', type: 'query' };
    const before = await scrapeAll('router');
    const runs = 3;
    for (let i = 0; i < runs; i += 1) {
      expect((await gql(contractOperation('ProductDetails'), { id: productId })).errors).toBeUndefined();
    }
    // Deeper than the router allows: refused before any subgraph is called.
    const deep = `query TooDeep { product(id: "x") { category { ${'parent { '.repeat(14)}id${' }'.repeat(14)} } } }`;
    const refused = await gql(deep);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    const after = await scrapeAll('router');

    const grew = (name: string, labels: Record<string, string>): number =>
      total(after, name, labels) - total(before, name, labels);
    // Other test files may run the same operation meanwhile: at least ours are counted.
    expect(grew('graphql_requests_total', operation)).toBeGreaterThanOrEqual(runs);
    expect(grew('graphql_request_duration_seconds_count', operation)).toBeGreaterThanOrEqual(runs);
    expect(grew('graphql_request_duration_seconds_sum', operation)).toBeGreaterThan(0);
    // The product subgraph's answers are public: each run fetched them or found them kept.
    expect(
      grew('router_subgraph_fetch_duration_seconds_count', { subgraph: 'product', outcome: 'ok' }) +
        grew('router_entity_cache_lookups_total', { subgraph: 'product', result: 'hit' }),
    ).toBeGreaterThanOrEqual(runs);
    expect(
      grew('router_subgraph_fetch_duration_seconds_count', { subgraph: 'cart', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(runs);
    expect(grew('router_refusals_total', { code: 'QUERY_TOO_COMPLEX' })).toBeGreaterThanOrEqual(1);
    expect(grew('graphql_errors_total', { code: 'QUERY_TOO_COMPLEX' })).toBeGreaterThanOrEqual(1);
  });

  it('counts open WebSocket connections', async () => {
    const socket = new WebSocket(ROUTER_URL.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    try {
      const counted = await waitFor(async () => total(await scrapeAll('router'), 'router_websocket_connections') >= 1, {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      expect(counted).toBe(true);
    } finally {
      socket.close();
    }
  });

  it("counts a worker's events, their durations and its consumer's messages", async () => {
    const [orderBefore, cartBefore] = await Promise.all([scrapeAll('order-worker'), scrapeAll('cart-worker')]);

    const runs = 2;
    for (let i = 0; i < runs; i += 1) {
      const shopper = await shopperWithCart();
      await orderReaches(shopper, await tracedCheckout(shopper, clientTrace().traceparent), 'AWAITING_PAYMENT');
    }
    const [orderAfter, cartAfter] = await Promise.all([scrapeAll('order-worker'), scrapeAll('cart-worker')]);
    const grew = (before: Sample[], after: Sample[], name: string, labels: Record<string, string>): number =>
      total(after, name, labels) - total(before, name, labels);

    // Each order's reservation is an event the cart worker applied and one the order worker did.
    const reserved = { type: 'StockReserved', outcome: 'ok' };
    expect(grew(orderBefore, orderAfter, 'kafka_consumer_events_total', reserved)).toBeGreaterThanOrEqual(runs);
    expect(
      grew(orderBefore, orderAfter, 'kafka_consumer_event_duration_seconds_count', { type: 'StockReserved' }),
    ).toBeGreaterThanOrEqual(runs);
    expect(
      grew(orderBefore, orderAfter, 'kafka_consumer_event_duration_seconds_sum', { type: 'StockReserved' }),
    ).toBeGreaterThan(0);
    expect(
      grew(cartBefore, cartAfter, 'kafka_consumer_events_total', { type: 'OrderPlaced', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(runs);
    expect(grew(cartBefore, cartAfter, 'kafka_consumer_messages_total', {})).toBeGreaterThanOrEqual(runs);
    // The lag its batches left, per partition: caught up once the orders are through.
    expect(orderAfter.some((sample) => sample.name === 'kafka_consumer_lag')).toBe(true);
    expect(total(orderAfter, 'nodejs_eventloop_lag_seconds', { service: 'order-worker' })).toBeGreaterThanOrEqual(0);
  });

  it("serves every subgraph's operation metrics beside its GraphQL", async () => {
    const samples = await scrapeAll('order');
    expect(total(samples, 'graphql_requests_total', { service: 'order' })).toBeGreaterThan(0);
  });

  it('is scraped by Prometheus: every process is an up target', async () => {
    interface Targets {
      data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    }
    const expected = SERVICES.filter((service) => service.metricsPort !== undefined).map((service) => service.name);
    expect(expected).toEqual(
      expect.arrayContaining(['router', 'order', 'order-worker', 'search-indexer', 'payment-provider']),
    );
    let targets: Targets['data']['activeTargets'] = [];
    // Per process (`order-worker` or, with replicas, `order-worker-2`): every one must be up.
    const health = (): Record<string, string> =>
      Object.fromEntries(
        targets.map((target) => [
          [target.labels['process'], target.labels['replica']].filter(Boolean).join('-'),
          target.health,
        ]),
      );
    const processes = expected.flatMap((name) => processesOf(name)).map(processName);
    const up = await waitFor(
      async () => {
        targets = ((await (await fetch(`${PROMETHEUS}/api/v1/targets`)).json()) as Targets).data.activeTargets;
        return processes.every((name) => health()[name] === 'up');
      },
      { timeoutMs: 30_000 },
    );
    expect(up, `targets: ${JSON.stringify(health())}`).toBe(true);
  });

  it('is scraped by Prometheus: the router is an up target', async () => {
    interface Targets {
      data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    }
    let router: Targets['data']['activeTargets'][number] | undefined;
    const up = await waitFor(
      async () => {
        const targets = (await (await fetch(`${PROMETHEUS}/api/v1/targets`)).json()) as Targets;
        router = targets.data.activeTargets.find((target) => target.labels['process'] === 'router');
        return router?.health === 'up';
      },
      { timeoutMs: 30_000 },
    );
    expect(up, `router target: ${JSON.stringify(router)}`).toBe(true);
    // And it holds what the router serves: a query over the scraped series answers.
    const query = new URL('/api/v1/query', PROMETHEUS);
    query.searchParams.set('query', 'nodejs_eventloop_lag_seconds{process="router"}');
    const answered = await waitFor(
      async () => {
        const body = (await (await fetch(query)).json()) as { data: { result: unknown[] } };
        return body.data.result.length > 0;
      },
      { timeoutMs: 30_000 },
    );
    expect(answered).toBe(true);
  });
});

describe('metrics of the dependencies and the pipeline', () => {
  it('reports PostgreSQL pool figures and the wait for a connection, per process and database', async () => {
    const before = await scrapeAll('order');
    const shopper = await shopperWithCart();
    await orderReaches(shopper, await tracedCheckout(shopper, clientTrace().traceparent), 'AWAITING_PAYMENT');
    const after = await scrapeAll('order');
    const order = { service: 'order', database: 'order' };
    expect(
      total(after, 'db_pool_acquire_duration_seconds_count', order) -
        total(before, 'db_pool_acquire_duration_seconds_count', order),
    ).toBeGreaterThanOrEqual(1);
    for (const state of ['in_use', 'idle']) {
      expect(after.some((sample) => sample.name === 'db_pool_connections' && sample.labels['state'] === state)).toBe(
        true,
      );
    }
    expect(total(after, 'db_pool_waiting_requests', order)).toBeGreaterThanOrEqual(0);
    expect(total(after, 'db_pool_max_connections', order)).toBeGreaterThan(0);
    // Workers report their pools too.
    const worker = await scrapeAll('order-worker');
    expect(
      worker.some((sample) => sample.name === 'db_pool_connections' && sample.labels['database'] === 'order'),
    ).toBe(true);
  });

  it("reports each Debezium slot's lag on its service's database, and how old events are when consumed", async () => {
    const slots: [process: string, database: string, slot: string][] = [
      ['order-worker', 'order', 'cdc_order_outbox'],
      ['payment-worker', 'payment', 'cdc_payment_outbox'],
      // One slot carries the cart database's outbox and its stock changes.
      ['cart-worker', 'cart', 'cdc_cart_outbox'],
      ['product', 'product', 'cdc_catalogue'],
    ];
    // Each process reports the slot it depends on, so with replicas each replica does.
    for (const [process, database, slot] of slots) {
      for (const url of metricsUrlsOf(process)) {
        const lag = await eventually(
          async () => {
            const samples = await scrape(url);
            const of = { database, slot };
            // A connector restarting leaves its slot without a consumer for a moment: wait for it to be back.
            return total(samples, 'db_replication_slot_active', of) === 1
              ? samples.find(
                  (sample) =>
                    sample.name === 'db_replication_slot_lag_bytes' &&
                    Object.entries(of).every(([key, value]) => sample.labels[key] === value),
                )
              : undefined;
          },
          { timeoutMs: 30_000, what: `${slot}'s lag on ${url}` },
        );
        expect(lag.value, `${slot} on ${url}`).toBeGreaterThanOrEqual(0);
      }
    }

    const before = await scrapeAll('order-worker');
    const shopper = await shopperWithCart();
    await orderReaches(shopper, await tracedCheckout(shopper, clientTrace().traceparent), 'AWAITING_PAYMENT');
    const after = await scrapeAll('order-worker');
    // The order worker consumed the reservation: how long it waited is observed.
    const consumed = (samples: Sample[]): number =>
      total(samples, 'kafka_consumer_event_age_seconds_count', { service: 'order-worker' });
    expect(consumed(after) - consumed(before)).toBeGreaterThanOrEqual(1);
    expect(total(after, 'kafka_consumer_event_age_seconds_sum', { service: 'order-worker' })).toBeGreaterThan(0);
  });

  it("times the search subgraph's and the indexer's Elasticsearch requests, and how fresh the index is", async () => {
    const [searchBefore, indexerBefore] = await Promise.all([scrapeAll('search'), scrapeAll('search-indexer')]);
    const found = await gql(contractOperation('SearchProducts'), { query: 'phone', first: 1 });
    expect(found.errors).toBeUndefined();
    const searchAfter = await scrapeAll('search');
    const answered = (samples: Sample[]): number =>
      total(samples, 'elasticsearch_request_duration_seconds_count', { service: 'search', outcome: 'ok' });
    expect(answered(searchAfter) - answered(searchBefore)).toBeGreaterThanOrEqual(1);

    // A new product reaches the index through CDC: the indexer observes commit → indexed.
    await productOnSale('9.00', 3);
    const indexed = (samples: Sample[]): number =>
      total(samples, 'cdc_commit_to_indexed_seconds_count', { service: 'search-indexer', table: 'products' });
    const indexerAfter = await eventually(
      async () => {
        const samples = await scrapeAll('search-indexer');
        return indexed(samples) > indexed(indexerBefore) ? samples : undefined;
      },
      { timeoutMs: 30_000, what: 'the new product indexed' },
    );
    expect(total(indexerAfter, 'cdc_commit_to_indexed_seconds_sum', { table: 'products' })).toBeGreaterThan(0);
    const bulks = (samples: Sample[]): number =>
      total(samples, 'elasticsearch_request_duration_seconds_count', { operation: 'bulk', outcome: 'ok' });
    expect(bulks(indexerAfter) - bulks(indexerBefore)).toBeGreaterThanOrEqual(1);
  });
});
