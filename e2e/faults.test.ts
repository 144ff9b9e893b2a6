import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@emporium/contracts';
import { listDeadLetters, type Admin } from '@emporium/kafka';
import { eventually } from '@emporium/testing';
import { waitFor } from '../infra/src/process.ts';
import { SERVICES, processName, serviceUrl } from '../infra/src/services.ts';
import { findComponent } from '../infra/src/stack.ts';
import { contractOperation, gql } from './client.ts';
import { startProcess, type ExtraProcess } from './harness.ts';
import { processUrl, processesOf } from './replicas.ts';
import {
  CARDS,
  addToCart,
  checkout,
  kafkaClient,
  newShopper,
  orderReaches,
  payOrder,
  productOnSale,
  tokenize,
} from './shop.ts';

/**
 * What a client sees when a dependency fails, and what the platform does about it: a frozen
 * search cluster fails searches fast with SERVICE_UNAVAILABLE while the rest answers; a
 * subgraph that does not answer fails only its fields; a poison message on any consumed topic
 * is dead-lettered and the partition moves on; SIGTERM drains and exits 0.
 */
const SEARCH = contractOperation('SearchProducts');
const kafka = kafkaClient('e2e-faults');
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Starts a platform process of this test's own, killed after the file if still running. */
function start(entry: string, env: Record<string, string>): ExtraProcess {
  const started = startProcess(entry, env);
  children.push(started.child);
  return started;
}

const answers = async (url: string): Promise<boolean> =>
  (await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => null))?.ok ?? false;

async function listening(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('readiness', () => {
  it('is answered by every process, separately from liveness', async () => {
    // The platform's own processes; the provider stands in for a third party, the storefront is static files.
    const own = SERVICES.filter((s) => s.name !== 'payment-provider' && s.name !== 'storefront');
    expect(own.length).toBeGreaterThanOrEqual(11);
    // Each process answers for itself: with replicas, every replica on its own port.
    for (const service of own.flatMap((s) => processesOf(s.name))) {
      const response = await fetch(processUrl(service, '/ready'));
      const body = (await response.json()) as { status: string; checks: Record<string, string> };
      const name = processName(service);
      expect([name, response.status, body.status]).toEqual([name, 200, 'ready']);
      expect(Object.values(body.checks).every((check) => check === 'ok')).toBe(true);
    }
  });
});

describe('when Elasticsearch is frozen', () => {
  const es = findComponent('elasticsearch');

  it.skipIf(es.external)(
    'fails search with SERVICE_UNAVAILABLE within 2 s while product, cart and checkout answer',
    async () => {
      const product = await productOnSale('19.99', 10);
      const shopper = await newShopper('frozen-search');
      const pid = es.pid();
      if (pid === undefined) throw new Error('no Elasticsearch process to freeze');
      process.kill(pid, 'SIGSTOP');
      try {
        const timed = async <T>(work: Promise<T>): Promise<[T, number]> => {
          const started = Date.now();
          const result = await work;
          return [result, Date.now() - started];
        };
        const [[search, searchMs], details, shopping] = await Promise.all([
          timed(gql(SEARCH, { query: 'phone', first: 5 })),
          gql<{ product: { name: string } | null }>('query ($id: ID!) { product(id: $id) { name } }', {
            id: product.id,
          }),
          (async () => {
            const added = await addToCart(shopper, product.id, 1);
            return { added, placed: await checkout(shopper, randomUUID()) };
          })(),
        ]);
        // Search: a clear, retryable failure of its own field, fast.
        expect(searchMs).toBeLessThan(2000);
        expect(search.data).toBeNull();
        expect(search.errors).toEqual([
          expect.objectContaining({
            path: ['searchProducts'],
            extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 }) as unknown,
          }),
        ]);
        const [again, againMs] = await timed(gql(SEARCH, { query: 'laptop', first: 5 }));
        expect(again.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
        expect(againMs).toBeLessThan(2000);
        // Everything else: as usual.
        expect(details.data?.product?.name).toBe(product.name);
        expect(shopping.added.cart?.lines.some((line) => line.product.id === product.id)).toBe(true);
        expect(shopping.placed.userErrors).toEqual([]);
        expect(shopping.placed.order?.status).toBe('PENDING');
        // The search subgraph says it is not ready, and why. A probe is a moment's view (one
        // sent as the freeze lands may still be answered), so wait for the fact, briefly.
        const ready = await eventually(
          async () => {
            const probe = await fetch('http://127.0.0.1:4003/ready');
            return probe.status === 503 ? probe : undefined;
          },
          { what: 'the search subgraph to report itself not ready', timeoutMs: 10_000 },
        );
        expect(await ready.json()).toMatchObject({
          status: 'unavailable',
          checks: { elasticsearch: expect.any(String) as unknown },
        });
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await eventually(async () => ((await gql(SEARCH, { query: 'phone', first: 1 })).errors ? undefined : true), {
        what: 'search to answer again once Elasticsearch runs',
        timeoutMs: 30_000,
      });
    },
    90_000,
  );
});

describe('a subgraph that does not answer', () => {
  it("fails only its own fields with SERVICE_UNAVAILABLE, after the router's timeout", async () => {
    // Accepts connections and never answers: a hung cart subgraph.
    const hung = createServer(() => undefined);
    const hungPort = await listening(hung);
    const ROUTER_PORT = 4095;
    start('router/src/index.ts', {
      ROUTER_PORT: String(ROUTER_PORT),
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PRIVATE_KEY: inject('platformSecrets').routerPrivateKey,
      SUBGRAPH_CART_URL: `http://127.0.0.1:${hungPort}/graphql`,
      SUBGRAPH_TIMEOUT_MS: '1000',
    });
    expect(await waitFor(() => answers(`http://127.0.0.1:${ROUTER_PORT}/health`), { timeoutMs: 30_000 })).toBe(true);
    const product = await productOnSale('5.00', 3);
    const started = Date.now();
    const result = await gql<{ products: { totalCount: number }; product: unknown }>(
      'query ($id: ID!) { products(first: 1) { totalCount } product(id: $id) { name inventory { available } } }',
      { id: product.id },
      { url: `http://127.0.0.1:${ROUTER_PORT}/graphql` },
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    expect(result.errors?.[0]?.extensions?.['retryAfterSeconds']).toBe(5);
    // The product subgraph's own root field arrived; the product whose stock could not be read is null.
    expect(result.data?.products.totalCount).toBeGreaterThan(0);
    expect(result.data?.product).toBeNull();
    expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|cart|timeout/i);
  }, 60_000);
});

/** Every consumed topic and the durable consumer groups that read it. */
const CONSUMED: readonly { topic: string; groups: readonly string[]; kind: 'event' | 'change' }[] = [
  { topic: TOPICS.order, groups: ['cart-inventory', 'payment-orders'], kind: 'event' },
  { topic: TOPICS.inventory, groups: ['order-saga'], kind: 'event' },
  { topic: TOPICS.payment, groups: ['order-saga'], kind: 'event' },
  { topic: 'cdc.catalogue.public.products', groups: ['search-indexer', 'cart-catalogue'], kind: 'change' },
  { topic: 'cdc.catalogue.public.categories', groups: ['search-indexer'], kind: 'change' },
  { topic: 'cdc.catalogue.public.sellers', groups: ['search-indexer'], kind: 'change' },
  { topic: 'cdc.cart.public.inventory', groups: ['search-indexer'], kind: 'change' },
];

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

describe('a poison message', () => {
  it('on every partition of every consumed topic is dead-lettered, and the next good events are applied', async () => {
    const marker = `poison-${randomUUID()}`;
    const producer = kafka.producer();
    await producer.connect();
    /** Per topic, the offset of the poison message on each partition. */
    const poisoned = new Map<string, Map<number, bigint>>();
    try {
      for (const { topic, kind } of CONSUMED) {
        const partitions = await withAdmin(async (admin) =>
          (await admin.fetchTopicOffsets(topic)).map((p) => p.partition),
        );
        const sent = await producer.send({
          topic,
          messages: partitions.map((partition) => ({
            partition,
            key: marker,
            // An event whose payload breaks its schema; a change event without Debezium's envelope.
            value: JSON.stringify({ poison: marker }),
            headers: kind === 'event' ? { id: randomUUID(), eventType: 'OrderPlaced' } : {},
          })),
        });
        poisoned.set(topic, new Map(sent.map((record) => [record.partition, BigInt(record.baseOffset ?? '0')])));
      }
    } finally {
      await producer.disconnect();
    }

    // Good events after the poison, through the platform: a new product reaches the cart's
    // replica and search (products, stock), an order is reserved (order, inventory) and paid
    // (order for the payment worker, payment for the saga).
    const product = await productOnSale('7.50', 4);
    const marker8 = product.name.split(' ').at(-1) ?? product.name;
    await eventually(
      async () => {
        const result = await gql<{ searchProducts: { edges: { node: { id: string } | null }[] } }>(SEARCH, {
          query: marker8,
          first: 5,
          filter: { inStock: true },
        });
        return result.data?.searchProducts.edges.some((edge) => edge.node?.id === product.id) ? true : undefined;
      },
      { what: 'the new product, in stock, in search', timeoutMs: 60_000 },
    );
    const shopper = await newShopper('after-poison');
    await addToCart(shopper, product.id, 1);
    const placed = await checkout(shopper, randomUUID());
    const orderId = placed.order?.id ?? '';
    await orderReaches(shopper, orderId, 'AWAITING_PAYMENT');
    const paid = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
    expect(paid.userErrors).toEqual([]);
    await orderReaches(shopper, orderId, 'PAID');

    for (const { topic, groups } of CONSUMED) {
      const partitions = poisoned.get(topic) ?? new Map<number, bigint>();
      // Each group dead-lettered the poison of each partition, with its story.
      const letters = await eventually(
        async () => {
          const found = (await listDeadLetters(kafka, topic)).filter((letter) => letter.value?.includes(marker));
          return found.length >= groups.length * partitions.size ? found : undefined;
        },
        { what: `the poison of ${topic} in its dead-letter topic`, timeoutMs: 60_000 },
      );
      expect(new Set(letters.map((letter) => `${letter.group}/${letter.originalPartition}`))).toEqual(
        new Set(groups.flatMap((group) => [...partitions.keys()].map((partition) => `${group}/${partition}`))),
      );
      for (const letter of letters) {
        expect(letter).toMatchObject({ key: marker, originalTopic: topic, attempts: 1 });
        expect(letter.originalOffset).toBe(String(partitions.get(letter.originalPartition)));
        expect(letter.error).toMatch(/Invalid/);
      }
      // And every group has moved past it on every partition.
      await eventually(
        async () => {
          const moved = await withAdmin(async (admin) => {
            const all = await Promise.all(
              groups.map(
                async (groupId) => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [],
              ),
            );
            return all.every((committed) =>
              [...partitions].every(([partition, offset]) => {
                const at = committed.find((p) => p.partition === partition)?.offset ?? '-1';
                return at !== '-1' && BigInt(at) > offset;
              }),
            );
          });
          return moved ? true : undefined;
        },
        { what: `every group past the poison of ${topic}`, timeoutMs: 60_000 },
      );
    }
  }, 240_000);
});

describe('SIGTERM', () => {
  it('drains a router under load: every request in flight is answered, sockets close with 1001, exit 0 within 10 s', async () => {
    // The product subgraph behind a one-second delay, so requests are surely in flight at the signal.
    const product = SERVICES.find((service) => service.name === 'product');
    if (!product) throw new Error('no product service');
    const delaying = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        setTimeout(() => {
          const upstream = request(
            serviceUrl(product, '/graphql'),
            { method: 'POST', headers: req.headers },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          upstream.end(Buffer.concat(chunks));
        }, 1000);
      });
    });
    const delayPort = await listening(delaying);
    const ROUTER_PORT = 4096;
    const routerUrl = `http://127.0.0.1:${ROUTER_PORT}/graphql`;
    const router = start('router/src/index.ts', {
      ROUTER_PORT: String(ROUTER_PORT),
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PRIVATE_KEY: inject('platformSecrets').routerPrivateKey,
      SUBGRAPH_PRODUCT_URL: `http://127.0.0.1:${delayPort}/graphql`,
      RATE_LIMIT_PER_SECOND: '1000',
      RATE_LIMIT_BURST: '1000',
    });
    expect(await waitFor(() => answers(`http://127.0.0.1:${ROUTER_PORT}/ready`), { timeoutMs: 30_000 })).toBe(true);

    // A subscriber's socket, open and acknowledged.
    const token = await newShopper('sigterm');
    const socket = new WebSocket(routerUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => {
      socket.addEventListener('close', (event) => {
        resolve(event.code);
      });
    });
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => {
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      });
      socket.addEventListener('message', (event) => {
        if (String(event.data).includes('connection_ack')) resolve();
      });
      socket.addEventListener('error', () => {
        reject(new Error('the subscriber socket failed'));
      });
    });

    // Load: clients in a loop, one connection per request, until the router refuses them.
    interface Sent {
      at: number;
      done?: number;
      ok?: boolean;
      failure?: string;
    }
    const sent: Sent[] = [];
    const post = (): Promise<Sent> => {
      const entry: Sent = { at: Date.now() };
      sent.push(entry);
      return new Promise((resolve) => {
        const req = request(
          routerUrl,
          { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const body = JSON.parse(Buffer.concat(chunks).toString()) as {
                data?: { products?: unknown };
                errors?: unknown;
              };
              Object.assign(entry, {
                done: Date.now(),
                ok: res.statusCode === 200 && !body.errors && Boolean(body.data?.products),
              });
              resolve(entry);
            });
            res.on('error', (error) => {
              Object.assign(entry, { done: Date.now(), ok: false, failure: error.message });
              resolve(entry);
            });
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => {
          Object.assign(entry, { done: Date.now(), ok: false, failure: error.code ?? error.message });
          resolve(entry);
        });
        req.end(JSON.stringify({ query: '{ products(first: 3) { totalCount edges { node { id name } } } }' }));
      });
    };
    let refused = 0;
    const loops = Array.from({ length: 8 }, async () => {
      for (;;) {
        const entry = await post();
        if (entry.failure) {
          refused += 1;
          return;
        }
      }
    });
    // The signal goes once answers flow and several requests have been in flight a while.
    await eventually(
      async () => {
        const now = Date.now();
        const settled = sent.filter((entry) => entry.ok).length;
        const inFlight = sent.filter((entry) => entry.done === undefined && now - entry.at > 300).length;
        return settled >= 8 && inFlight >= 4 ? true : undefined;
      },
      { what: 'load in flight', intervalMs: 20, timeoutMs: 30_000 },
    );
    const signalledAt = Date.now();
    router.child.kill('SIGTERM');
    const code = await router.exited;
    const exitedAt = Date.now();
    await Promise.all(loops);

    expect(code).toBe(0);
    expect(exitedAt - signalledAt).toBeLessThan(10_000);
    expect(await closed).toBe(1001);
    const beforeSignal = sent.filter((entry) => entry.at < signalledAt - 100);
    // Some were mid-flight at the signal, and every request sent before it got its full answer.
    expect(beforeSignal.filter((entry) => (entry.done ?? Infinity) > signalledAt).length).toBeGreaterThan(0);
    expect(beforeSignal.filter((entry) => !entry.ok)).toEqual([]);
    // Afterwards the router took no more work.
    expect(refused).toBe(8);
  }, 90_000);

  it('stops a subgraph with exit code 0', async () => {
    const PORT = 4097;
    const subgraph = start('subgraphs/product/src/index.ts', {
      PRODUCT_PORT: String(PORT),
      ROUTER_PUBLIC_KEY: inject('platformSecrets').routerPublicKey,
    });
    expect(await waitFor(() => answers(`http://127.0.0.1:${PORT}/ready`), { timeoutMs: 30_000 })).toBe(true);
    const signalledAt = Date.now();
    subgraph.child.kill('SIGTERM');
    expect(await subgraph.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  }, 60_000);
});
