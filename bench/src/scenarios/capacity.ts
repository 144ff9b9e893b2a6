import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PARTITIONS, createKafka, type Admin } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { MAX_PRODUCTS } from '@emporium/seed';
import { withClient } from '../../../infra/src/components/postgres.ts';
import { config } from '../../../infra/src/config.ts';
import { ROUTER, serviceUrl } from '../../../infra/src/services.ts';
import {
  OPERATION_CLASSES,
  plan,
  type Assumptions,
  type CapacityPlan,
  type Measured,
  type OperationClass,
  type OperationCost,
} from '../capacity-model.ts';
import { cpuAboveIdle, cpuRates, cpuSeconds, untilQuiet } from '../cpu.ts';
import { postGraphQL, runLoad, type LoadResult } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import { writeSections, type BenchSection } from '../report.ts';
import {
  addToCart,
  checkout,
  graphql,
  payOrder,
  paymentConfig,
  productOnSale,
  registerShoppers,
  signInAdmin,
  tokenizeTestCard,
  waitForStatus,
  type AwaitingOrder,
} from '../shop.ts';
import { THROUGH_ROUTER } from './product-details.ts';
import { SEARCH } from './search.ts';
import { subscribe, type Subscriber } from './subscriptions.ts';

/**
 * The capacity model's measurements: what one operation of each class of the shopper's mix
 * costs the platform, in CPU seconds by process, Kafka messages and PostgreSQL WAL bytes.
 * Each class runs as a phase of its own, from a quiet platform until it is quiet again (the
 * saga behind a checkout or a payment runs after the answer), less what each process uses
 * idle. This machine is shared and has two cores, so the scenario measures cost per
 * operation, never throughput; the plan then scales those costs to the design target.
 */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CAPACITY_FILE = join(REPO_ROOT, 'CAPACITY.md');

const BROWSES = 600;
const SEARCHES = 400;
/** Shoppers each put one unit in the cart, then each checks out, round after round. */
const SHOPPERS = 40;
const ROUNDS = 5;
/** Concurrent clients: enough to keep the pipeline busy, few enough not to queue on two cores. */
const CONCURRENCY = 8;
const IDLE_MS = 3000;
const DRAIN_MAX_MS = 60_000;

/**
 * The traffic the design target implies, stated in CAPACITY.md. Browsing and searching per
 * session follow common storefront analytics; conversion (orders per session) is a typical
 * 3 %; a sale day's peak is twice a normal evening's, and purchases surge twice as hard.
 */
const ASSUMPTIONS: Omit<Assumptions, 'connect'> = {
  dailyActiveUsers: 100_000_000,
  sessionsPerUserPerDay: 1.5,
  perSession: {
    browse: 8,
    search: 4,
    addToCart: 0.2,
    checkout: 0.03,
    pay: 0.03,
    // The shopper watches the order they just placed: one subscription, its pushes per payment.
    subscribe: 0.03,
    statusPush: 0.03,
  },
  eveningPeak: 2.5,
  saleDayPeak: 2,
  purchaseSurge: 2,
  targetUtilisation: 0.6,
  coresPerNodeReplica: 1,
  minReplicas: 2,
  kafka: { partitionStep: DEFAULT_PARTITIONS, consumerHeadroom: 2, messagesPerPartitionPerSecond: 500 },
  elasticsearch: { catalogueProducts: MAX_PRODUCTS, maxShardBytes: 30 * 2 ** 30, coresPerNode: 8, minCopies: 2 },
  postgres: {
    // packages/db's default pool size.
    poolMax: 10,
    clients: {
      identity: ['identity'],
      product: ['product'],
      cart: ['cart', 'cart-worker'],
      order: ['order', 'order-worker'],
      payment: ['payment', 'payment-worker'],
    },
    coresPerPrimary: 64,
    // The order, one line, and its status changes PENDING → AWAITING_PAYMENT → PAYMENT_PROCESSING → PAID.
    orderRowsPerOrder: 6,
  },
};

/** Parts of the CPU readings that are not the platform: shown in the measured table, never planned for. */
const NOT_PLATFORM = new Set(['load generator', 'payment-provider', 'storefront']);

const LABELS: Record<OperationClass, string> = {
  browse: 'browse (ProductDetails)',
  search: 'search (SearchProducts)',
  addToCart: 'add to cart',
  checkout: 'checkout → AWAITING_PAYMENT',
  pay: 'pay → PAID',
  subscribe: 'subscribe to order status',
  statusPush: 'status pushes of a payment',
};

/** Kafka's and PostgreSQL's write counters, read at the edges of each phase. */
class Counters {
  readonly #admin: Admin;

  private constructor(admin: Admin) {
    this.#admin = admin;
  }

  static async connect(): Promise<Counters> {
    const kafka = createKafka({
      clientId: 'bench-capacity',
      brokers: config.endpoints.kafka.brokers,
      logger: createLogger('bench', { level: 'error' }),
    });
    const admin = kafka.admin();
    await admin.connect();
    return new Counters(admin);
  }

  /** Messages ever appended to the platform's and Connect's topics (not the broker's own `__` ones). */
  async kafkaMessages(): Promise<number> {
    const topics = (await this.#admin.listTopics()).filter((topic) => !topic.startsWith('__'));
    let total = 0;
    for (const topic of topics) {
      for (const partition of await this.#admin.fetchTopicOffsets(topic)) total += Number(partition.high);
    }
    return total;
  }

  /** The server's WAL position in bytes: every service database shares the one server. */
  async walBytes(): Promise<number> {
    const lsn = await withClient(config.endpoints.postgres.url, async (client) => {
      const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      return rows[0]?.lsn ?? '0/0';
    });
    const [high = '0', low = '0'] = lsn.split('/');
    return Number((BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`));
  }

  async close(): Promise<void> {
    await this.#admin.disconnect();
  }
}

/** One operation class's phases added up: what they cost in all, and how many operations. */
interface Phase {
  operations: number;
  errors: number;
  firstError?: string;
  seconds: number;
  cpu: Map<string, number>;
  kafkaMessages: number;
  walBytes: number;
}

const emptyPhase = (): Phase => ({
  operations: 0,
  errors: 0,
  seconds: 0,
  cpu: new Map(),
  kafkaMessages: 0,
  walBytes: 0,
});

/**
 * Runs `work` from a quiet platform until it is quiet again and adds what it cost to
 * `into`, less each process's idle use measured just before.
 */
async function measure(
  platform: BenchPlatform,
  counters: Counters,
  into: Phase,
  work: () => Promise<LoadResult>,
): Promise<void> {
  const idle = await cpuRates(platform, IDLE_MS);
  const before = { cpu: cpuSeconds(platform), kafka: await counters.kafkaMessages(), wal: await counters.walBytes() };
  const started = performance.now();
  const result = await work();
  await untilQuiet(platform, idle, DRAIN_MAX_MS);
  const seconds = (performance.now() - started) / 1000;
  for (const [part, used] of cpuAboveIdle(before.cpu, cpuSeconds(platform), idle, seconds)) {
    into.cpu.set(part, (into.cpu.get(part) ?? 0) + used);
  }
  into.kafkaMessages += (await counters.kafkaMessages()) - before.kafka;
  into.walBytes += (await counters.walBytes()) - before.wal;
  into.operations += result.latenciesMs.length;
  into.errors += result.errors;
  into.firstError ??= result.firstError;
  into.seconds += seconds;
}

const perOperation = (phase: Phase): OperationCost => ({
  cpuSeconds: Object.fromEntries([...phase.cpu].map(([part, used]) => [part, used / phase.operations])),
  kafkaMessages: phase.kafkaMessages / phase.operations,
  walBytes: phase.walBytes / phase.operations,
});

/** What the subscription adds to a payment: paying with a live subscriber less paying without, never below zero. */
function difference(withIt: OperationCost, without: OperationCost): OperationCost {
  const parts = new Set([...Object.keys(withIt.cpuSeconds), ...Object.keys(without.cpuSeconds)]);
  return {
    cpuSeconds: Object.fromEntries(
      [...parts].map((part) => [part, Math.max(0, (withIt.cpuSeconds[part] ?? 0) - (without.cpuSeconds[part] ?? 0))]),
    ),
    kafkaMessages: Math.max(0, withIt.kafkaMessages - without.kafkaMessages),
    walBytes: Math.max(0, withIt.walBytes - without.walBytes),
  };
}

/** Bytes per product document of the product index behind the search alias. */
async function bytesPerProduct(): Promise<{ bytes: number; documents: number }> {
  const response = await fetch(`${config.endpoints.elasticsearch.url}/products/_stats/docs,store`);
  const stats = (await response.json()) as {
    _all: { primaries: { docs: { count: number }; store: { size_in_bytes: number } } };
  };
  const { docs, store } = stats._all.primaries;
  return { bytes: store.size_in_bytes / docs.count, documents: docs.count };
}

// Markdown figures.
const fixed = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (seconds: number | undefined): string => (seconds ? fixed(seconds * 1000, 2) : '-');
const whole = (value: number): string => fixed(value, 0);
const oneDecimal = (value: number): string => fixed(value, 1);
const gib = (bytes: number): string => `${fixed(bytes / 2 ** 30, 1)} GiB`;
const mib = (bytes: number): string => `${fixed(bytes / 2 ** 20, 1)} MiB`;

function measuredTable(measured: Measured, phases: Record<OperationClass, Phase>): string {
  const parts = new Set<string>();
  for (const operation of OPERATION_CLASSES) {
    for (const part of Object.keys(measured.operations[operation].cpuSeconds)) parts.add(part);
  }
  const total = (operation: OperationClass): number =>
    Object.entries(measured.operations[operation].cpuSeconds)
      .filter(([part]) => !NOT_PLATFORM.has(part))
      .reduce((sum, [, seconds]) => sum + seconds, 0);
  const ordered = [...parts].sort(
    (a, b) =>
      Number(NOT_PLATFORM.has(a)) - Number(NOT_PLATFORM.has(b)) ||
      OPERATION_CLASSES.reduce((sum, op) => sum + (measured.operations[op].cpuSeconds[b] ?? 0), 0) -
        OPERATION_CLASSES.reduce((sum, op) => sum + (measured.operations[op].cpuSeconds[a] ?? 0), 0),
  );
  const row = (label: string, cell: (operation: OperationClass) => string): string =>
    `| ${label} | ${OPERATION_CLASSES.map(cell).join(' | ')} |`;
  return [
    `| CPU ms per operation | ${OPERATION_CLASSES.map((operation) => LABELS[operation]).join(' | ')} |`,
    `| --- | ${OPERATION_CLASSES.map(() => '---:').join(' | ')} |`,
    ...ordered.map((part) =>
      row(NOT_PLATFORM.has(part) ? `${part} (not planned)` : part, (operation) =>
        ms(measured.operations[operation].cpuSeconds[part]),
      ),
    ),
    row('**platform**', (operation) => `**${ms(total(operation))}**`),
    row('Kafka messages per operation', (operation) => fixed(measured.operations[operation].kafkaMessages, 1)),
    row('PostgreSQL WAL KiB per operation', (operation) => fixed(measured.operations[operation].walBytes / 1024, 1)),
    row('operations measured (failed)', (operation) =>
      operation === 'statusPush'
        ? 'pay with − without'
        : `${phases[operation].operations} (${phases[operation].errors})`,
    ),
    row('phase wall time, s', (operation) => (operation === 'statusPush' ? '-' : whole(phases[operation].seconds))),
  ].join('\n');
}

function planTables(result: CapacityPlan, connectors: number, catalogue: number): string {
  const { peakOpsPerSecond, dailyOps, peakFactor } = result;
  return `
Sessions per day: **${whole(result.sessionsPerDay)}**.

| operation | per day | peak factor | peak per second |
| --- | ---: | ---: | ---: |
${OPERATION_CLASSES.map(
  (operation) =>
    `| ${LABELS[operation]} | ${whole(dailyOps[operation])} | ${oneDecimal(peakFactor[operation])}× | ${whole(peakOpsPerSecond[operation])} |`,
).join('\n')}

Cores at peak (at ${whole(ASSUMPTIONS.targetUtilisation * 100)} % utilisation) and replicas of ${ASSUMPTIONS.coresPerNodeReplica} core per Node process:

| process | cores at peak | replicas |
| --- | ---: | ---: |
${result.processes.map((entry) => `| ${entry.process} | ${oneDecimal(entry.cores)} | ${entry.replicas === undefined ? '-' : whole(entry.replicas)} |`).join('\n')}
| **all** | **${whole(result.totalCores)}** | |

| Kafka | |
| --- | ---: |
| messages per second at peak | ${whole(result.kafka.peakMessagesPerSecond)} |
| partitions per event and CDC topic | ${result.kafka.partitions} |
| broker cores at peak | ${oneDecimal(result.kafka.brokerCores)} |

| Elasticsearch (product index) | |
| --- | ---: |
| index size for ${whole(catalogue)} products | ${gib(result.elasticsearch.indexBytes)} |
| primary shards | ${result.elasticsearch.primaries} |
| replicas per shard | ${result.elasticsearch.replicas} |
| nodes (one copy of each shard per node) | ${result.elasticsearch.nodes} |
| cores at peak | ${oneDecimal(result.elasticsearch.cores)} |

| PostgreSQL | |
| --- | ---: |
| cores at peak (all service databases) | ${oneDecimal(result.postgres.cores)} |
| WAL at peak | ${mib(result.postgres.peakWalBytesPerSecond)}/s |
| WAL per day | ${gib(result.postgres.walBytesPerDay)} |
| orders per day | ${whole(result.postgres.ordersPerDay)} |
| orders per second at peak | ${whole(result.postgres.peakOrdersPerSecond)} |
| order database rows per month | ${whole(result.postgres.orderRowsPerMonth)} |
${Object.entries(result.postgres.connections)
  .map(([database, count]) => `| connections to ${database} (pools × replicas) | ${whole(count)} |`)
  .join('\n')}

What cannot grow by adding replicas, the tightest first:

| ceiling | needed at peak | limit | share |
| --- | ---: | ---: | ---: |
${result.ceilings.map((ceiling) => `| ${ceiling.what} | ${oneDecimal(ceiling.needed)} cores | ${oneDecimal(ceiling.limit)} cores | ${whole((ceiling.needed / ceiling.limit) * 100)} % |`).join('\n')}

(${connectors} Debezium connectors today.)
`;
}

export async function capacityScenario(platform: BenchPlatform): Promise<BenchSection> {
  const routerUrl = serviceUrl(ROUTER, '/graphql');
  const admin = await signInAdmin();
  const productId = await productOnSale(admin, 'Capacity Phone', '19.00', 1_000_000);
  const shoppers = await registerShoppers(SHOPPERS, 'capacity');
  const card = await paymentConfig();
  const { products } = await graphql<{ products: { edges: { node: { id: string; name: string; brand: string } }[] } }>(
    '{ products(first: 100) { edges { node { id name brand } } } }',
    {},
  );
  const ids = products.edges.map((edge) => edge.node.id);
  // Words shoppers would type: the catalogue's brands and the first word of its names.
  const terms = [...new Set(products.edges.flatMap(({ node }) => [node.brand, node.name.split(' ')[0] ?? node.brand]))];

  const browse = (i: number) => postGraphQL(routerUrl, THROUGH_ROUTER, { id: ids[i % ids.length] });
  // Each request new to Elasticsearch's request cache (a price ceiling no product reaches),
  // as queries from the long tail are: the costlier case, so the plan errs high.
  const search = (i: number) =>
    postGraphQL(routerUrl, SEARCH, {
      query: terms[i % terms.length],
      first: 20,
      filter: { maxPrice: String(1_000_000 + i) },
    });
  const pay = async (order: AwaitingOrder) => payOrder(order, await tokenizeTestCard(card));
  const payAll = (orders: readonly AwaitingOrder[]) => (): Promise<LoadResult> =>
    runLoad({
      concurrency: CONCURRENCY,
      requests: orders.length,
      send: async (i) => {
        const refused = await pay(orders[i] as AwaitingOrder);
        if (refused !== undefined) throw new Error(`payOrder refused: ${refused}`);
      },
    });

  const purchaseRound = async (tokens: readonly string[], add: Phase, place: Phase, counters?: Counters) => {
    const placed: AwaitingOrder[] = [];
    const adds = () =>
      runLoad({
        concurrency: CONCURRENCY,
        requests: tokens.length,
        send: (i) => addToCart(tokens[i] ?? '', productId),
      });
    const checkouts = () =>
      runLoad({
        concurrency: CONCURRENCY,
        requests: tokens.length,
        send: async (i) => {
          const token = tokens[i] ?? '';
          placed.push({ token, orderId: await checkout(token) });
        },
      });
    if (counters) {
      await measure(platform, counters, add, adds);
      await measure(platform, counters, place, checkouts);
    } else {
      await adds();
      await checkouts();
    }
    return placed;
  };

  // Warm-up, unmeasured: JIT, pools, planner and caches, and the payment path's first use.
  await runLoad({ concurrency: CONCURRENCY, requests: 200, send: browse });
  await runLoad({ concurrency: CONCURRENCY, requests: 100, send: (i) => search(SEARCHES + i) });
  const warm = await purchaseRound(shoppers.slice(0, 10), emptyPhase(), emptyPhase());
  for (const order of warm) await waitForStatus(order.token, order.orderId, 'AWAITING_PAYMENT');
  await payAll(warm)();
  for (const order of warm) await waitForStatus(order.token, order.orderId, 'PAID');

  const counters = await Counters.connect();
  const phases = Object.fromEntries(OPERATION_CLASSES.map((operation) => [operation, emptyPhase()])) as Record<
    OperationClass,
    Phase
  >;
  const payWithSubscriber = emptyPhase();
  const subscribers: Subscriber[] = [];
  const failures: string[] = [];
  try {
    await measure(platform, counters, phases.browse, () =>
      runLoad({ concurrency: CONCURRENCY, requests: BROWSES, send: browse }),
    );
    await measure(platform, counters, phases.search, () =>
      runLoad({ concurrency: CONCURRENCY, requests: SEARCHES, send: search }),
    );
    const orders: AwaitingOrder[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      orders.push(...(await purchaseRound(shoppers, phases.addToCart, phases.checkout, counters)));
    }
    // Untimed, after the phases: every order must have reached the state the next phase pays in.
    for (const order of orders) await waitForStatus(order.token, order.orderId, 'AWAITING_PAYMENT');

    // Half the orders are paid unwatched; the other half each get a subscriber first, so
    // the difference between the two payments is what the live status pushes cost.
    const unwatched = orders.slice(0, orders.length / 2);
    const watched = orders.slice(orders.length / 2);
    await measure(platform, counters, phases.pay, payAll(unwatched));
    await measure(platform, counters, phases.subscribe, () =>
      runLoad({
        concurrency: CONCURRENCY,
        requests: watched.length,
        send: async (i) => {
          const subscriber = subscribe(watched[i] as AwaitingOrder);
          subscribers.push(subscriber);
          if (Number.isNaN(await subscriber.first)) throw new Error(`subscription ended: ${await subscriber.ended}`);
        },
      }),
    );
    await measure(platform, counters, payWithSubscriber, payAll(watched));
    for (const order of orders) {
      await waitForStatus(order.token, order.orderId, 'PAID').catch((error: unknown) => {
        failures.push(error instanceof Error ? error.message : String(error));
      });
    }
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    await counters.close();
  }
  const pushed = subscribers.filter((subscriber) =>
    subscriber.received.some((event) => event.status === 'PAID'),
  ).length;

  const index = await bytesPerProduct();
  const measuredOps = Object.fromEntries(
    OPERATION_CLASSES.filter((operation) => operation !== 'statusPush').map((operation) => [
      operation,
      perOperation(phases[operation]),
    ]),
  ) as Record<Exclude<OperationClass, 'statusPush'>, OperationCost>;
  const measured: Measured = {
    operations: { ...measuredOps, statusPush: difference(perOperation(payWithSubscriber), measuredOps.pay) },
    bytesPerProduct: index.bytes,
  };
  const connectors = readdirSync(join(REPO_ROOT, 'cdc-connectors')).filter((file) => file.endsWith('.json')).length;
  const result = plan(measured, { ...ASSUMPTIONS, connect: { connectors } });

  const machine = `${cpus().length} cores, shared with other work`;
  writeSections(CAPACITY_FILE, [
    {
      id: 'capacity',
      title: 'Measured: CPU per operation by process',
      body: `
Each column is a phase of its own on ${machine}: from a quiet platform until it was quiet
again, less each process's idle use just before; the saga a checkout or a payment sets off is
inside its column. Search requests were each new to Elasticsearch's request cache. "Status
pushes of a payment" is paying with one live subscriber on the order less paying without
(${payWithSubscriber.operations} payments against ${phases.pay.operations}; ${pushed} of ${subscribers.length} subscribers received PAID).
Orders that did not reach PAID: ${failures.length}.${phases.pay.firstError ? ` First payment error: ${phases.pay.firstError}.` : ''}
Product index: ${whole(index.documents)} documents, ${fixed(index.bytes, 0)} bytes per document.

${measuredTable(measured, phases)}
`,
    },
    {
      id: 'capacity-plan',
      title: 'Computed: the plan for the design target',
      body: planTables(result, connectors, ASSUMPTIONS.elasticsearch.catalogueProducts),
    },
  ]);

  const platformMs = (operation: OperationClass): string =>
    ms(
      Object.entries(measured.operations[operation].cpuSeconds)
        .filter(([part]) => !NOT_PLATFORM.has(part))
        .reduce((sum, [, seconds]) => sum + seconds, 0),
    );
  return {
    id: 'capacity',
    title: 'Capacity: platform CPU per operation',
    body: `
Platform CPU per operation (every process, engines included, less idle use), each class
measured as a phase of its own; the table by process and the plan built on it are in
[CAPACITY.md](CAPACITY.md).

| operation | platform CPU ms |
| --- | ---: |
${OPERATION_CLASSES.map((operation) => `| ${LABELS[operation]} | ${platformMs(operation)} |`).join('\n')}
`,
  };
}
