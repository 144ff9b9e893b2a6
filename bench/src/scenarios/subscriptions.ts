import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig, readStackEndpoints } from '@emporium/config';
import { TOPICS, encodeEventMessage } from '@emporium/contracts';
import { createKafka, type Producer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ROUTER, SUBGRAPHS, serviceUrl } from '../../../infra/src/services.ts';
import { runLoad } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import {
  graphql,
  placeAwaitingOrders,
  productOnSale,
  registerShoppers,
  signInAdmin,
  sleep,
  type AwaitingOrder,
} from '../shop.ts';
import { median, percentile } from '../stats.ts';

/**
 * Live order status at scale, through the router as shoppers' browsers would hold it: each
 * subscriber is a WebSocket of its own to the router's /graphql, subscribed with the
 * contract's selection plus `sequence` (product names come from the product subgraph on every event).
 */
const WS_URL = serviceUrl(ROUTER, '/graphql').replace(/^http/, 'ws');
const ORDER_STATUS_CHANGED = `subscription OrderStatusChanged($orderId: ID!) {
  orderStatusChanged(orderId: $orderId) {
    orderId sequence status at reason
    order { id total { amount currencyCode } lines { quantity product { id name } } }
  }
}`;
const CANCEL = 'mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }';
const GIB = 2 ** 30;

interface Received {
  sequence: number;
  status: string;
  at: string;
  receivedAt: number;
}

/** One shopper's open subscription: what it received, when its first event came, how it ended. */
export interface Subscriber {
  received: Received[];
  /** Resolves with ms from subscribing to the first event (the current status). */
  first: Promise<number>;
  /** 'completed', or what ended it otherwise. */
  ended: Promise<string>;
  close(): void;
}

export function subscribe(order: AwaitingOrder): Subscriber {
  const received: Received[] = [];
  const client = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${order.token}` },
  });
  const begin = performance.now();
  let firstSeen: (ms: number) => void = () => undefined;
  const first = new Promise<number>((resolve) => {
    firstSeen = resolve;
  });
  const ended = new Promise<string>((resolve) => {
    client.subscribe<{ orderStatusChanged: { sequence: number; status: string; at: string } }>(
      { query: ORDER_STATUS_CHANGED, variables: { orderId: order.orderId } },
      {
        next: (result) => {
          const event = result.data?.orderStatusChanged;
          if (!event) {
            resolve(JSON.stringify(result.errors ?? 'an event without data'));
            return;
          }
          received.push({ sequence: event.sequence, status: event.status, at: event.at, receivedAt: Date.now() });
          if (received.length === 1) firstSeen(performance.now() - begin);
        },
        error: (error: unknown) => {
          resolve(error instanceof Error ? error.message : JSON.stringify(error));
        },
        complete: () => {
          resolve('completed');
        },
      },
    );
  });
  // A subscription that fails before its first event still settles `first`.
  void ended.then(() => {
    firstSeen(Number.NaN);
  });
  return {
    received,
    first,
    ended,
    close: () => {
      void client.dispose();
    },
  };
}

/** Opens subscriptions for `orders` in turn, `concurrency` at a time, each awaited to its first event. */
async function openSubscriptions(
  orders: readonly AwaitingOrder[],
  count: number,
  concurrency: number,
  into: Subscriber[],
): Promise<number[]> {
  const offset = into.length;
  const firstEventMs: number[] = [];
  const result = await runLoad({
    concurrency,
    requests: count,
    send: async (index) => {
      const order = orders[(offset + index) % orders.length];
      if (!order) throw new Error('no orders to watch');
      const subscriber = subscribe(order);
      into.push(subscriber);
      const ms = await subscriber.first;
      if (Number.isNaN(ms)) throw new Error(`subscription ended before its first event: ${await subscriber.ended}`);
      firstEventMs.push(ms);
    },
  });
  if (result.errors > 0) throw new Error(`${result.errors} subscriptions failed to start: ${result.firstError ?? ''}`);
  return firstEventMs;
}

async function cancel(order: AwaitingOrder): Promise<void> {
  const { cancelOrder } = await graphql<{ cancelOrder: { userErrors: { code: string }[] } }>(
    CANCEL,
    { input: { orderId: order.orderId } },
    order.token,
  );
  if (cancelOrder.userErrors.length > 0) throw new Error(`cancelOrder refused: ${cancelOrder.userErrors[0]?.code}`);
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cancels every order (8 at a time) and waits until each subscriber's stream has ended. */
async function cancelAndAwaitEndings(
  orders: readonly AwaitingOrder[],
  subscribers: readonly Subscriber[],
  timeoutMs: number,
): Promise<{ cancelFailures: number; endings: string[] }> {
  const cancels = await runLoad({
    concurrency: 8,
    requests: orders.length,
    send: (i) => cancel(orders[i] as AwaitingOrder),
  });
  const endings = await withTimeout(
    Promise.all(subscribers.map((subscriber) => subscriber.ended)),
    timeoutMs,
    'every subscription to complete',
  );
  return { cancelFailures: cancels.errors, endings };
}

const rssBytes = (pid: number | undefined): number => {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
};
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const ms = (values: readonly number[], q: 50 | 99): string =>
  `${(q === 50 ? median([...values]) : percentile([...values], q)).toFixed(0)} ms`;

async function routerFigures(): Promise<{ clientSubscriptions: number; upstreamSockets: number }> {
  const response = await fetch(serviceUrl(ROUTER, '/health/subscriptions'));
  return (await response.json()) as { clientSubscriptions: number; upstreamSockets: number };
}

async function orderListeners(): Promise<number> {
  const order = SUBGRAPHS.find((subgraph) => subgraph.name === 'order');
  if (!order) return Number.NaN;
  const response = await fetch(serviceUrl(order, '/health/subscriptions'));
  return ((await response.json()) as { listeners: number }).listeners;
}

/** Orders of their own for a scenario: shoppers, one product, `count` orders awaiting payment. */
async function ordersToWatch(label: string, shoppers: number, count: number): Promise<AwaitingOrder[]> {
  const admin = await signInAdmin();
  const productId = await productOnSale(admin, `Bench ${label}`, '19.00', 1_000_000);
  const tokens = await registerShoppers(shoppers, label);
  const { orders, result } = await placeAwaitingOrders(tokens, productId, count, 8);
  if (result.errors > 0) throw new Error(`${result.errors} orders could not be placed: ${result.firstError ?? ''}`);
  return orders;
}

const LATENCY_ORDERS = 250;
const WATCHERS_PER_ORDER = 4;
/** Status changes per second in each phase, on a fixed schedule whatever the answers' latency. */
const CHANGE_RATES = [5, 10, 20];
const PHASE_SECONDS = 20;

/**
 * Drives each watched order around the payment loop the order saga allows without ending it,
 * AWAITING_PAYMENT → PAYMENT_PROCESSING → PAYMENT_FAILED → PAYMENT_PROCESSING → …, by
 * publishing PaymentSubmitted and PaymentFailed to the payment topic exactly as the payment
 * service's outbox does. Every subscriber stays open for the whole run, and each change is
 * a real transition committed by the order worker.
 */
class PaymentLoop {
  readonly #producer: Producer;
  readonly #processing = new Set<string>();

  private constructor(producer: Producer) {
    this.#producer = producer;
  }

  static async connect(): Promise<PaymentLoop> {
    const kafka = createKafka({
      clientId: 'bench-payment-loop',
      brokers: loadConfig(readStackEndpoints).kafka.brokers,
      logger: createLogger('bench', { level: 'error' }),
    });
    const producer = kafka.producer();
    await producer.connect();
    return new PaymentLoop(producer);
  }

  /** The order's next change: a payment submitted, or the one in flight declined. */
  async advance(orderId: string): Promise<void> {
    const at = new Date().toISOString();
    const paymentId = randomUUID();
    const event = this.#processing.delete(orderId)
      ? {
          id: randomUUID(),
          type: 'PaymentFailed' as const,
          aggregateId: orderId,
          payload: { orderId, paymentId, reason: 'card_declined', at },
        }
      : {
          id: randomUUID(),
          type: 'PaymentSubmitted' as const,
          aggregateId: orderId,
          payload: { orderId, paymentId, amount: { amountMinor: 1900, currencyCode: 'USD' }, at },
        };
    if (event.type === 'PaymentSubmitted') this.#processing.add(orderId);
    await this.#producer.send({ topic: TOPICS.payment, messages: [encodeEventMessage(event)] });
  }

  /** Declines what is in flight, so every order can be cancelled. */
  async settle(): Promise<void> {
    await Promise.all([...this.#processing].map((orderId) => this.advance(orderId)));
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}

/**
 * Commit to receipt: 1,000 subscribers (four browser tabs on each of 250 orders) stay open
 * while the orders' statuses change at a fixed rate, in phases of rising rate. Each
 * subscriber notes when each event arrives; the interval runs from the event's `at`
 * (stamped by the order worker inside the transition's transaction, so a little before its
 * commit: the figure errs high) to receipt, on this machine's clock. At the end every order
 * is cancelled, completing every subscription, and each stream is checked for gaps and repeats.
 */
export async function subscriptionLatency(): Promise<BenchSection> {
  const orders = await ordersToWatch('Tracker', 25, LATENCY_ORDERS);
  const subscribers: Subscriber[] = [];
  const firstEventMs = await openSubscriptions(orders, orders.length * WATCHERS_PER_ORDER, 50, subscribers);
  const held = await routerFigures();
  const loop = await PaymentLoop.connect();

  const phases: { rate: number; from: number; to: number; changes: number }[] = [];
  let next = 0;
  try {
    for (const rate of CHANGE_RATES) {
      const changes = rate * PHASE_SECONDS;
      const from = Date.now();
      const sends: Promise<void>[] = [];
      const start = performance.now();
      for (let i = 0; i < changes; i += 1) {
        await sleep(Math.max(0, start + (i * 1000) / rate - performance.now()));
        const order = orders[next % orders.length];
        next += 1;
        if (order) sends.push(loop.advance(order.orderId));
      }
      await Promise.all(sends);
      phases.push({ rate, from, to: Date.now(), changes });
      // Let the phase drain before the next one starts, so each is measured at its own rate.
      await sleep(3000);
    }
    await loop.settle();
  } finally {
    await loop.close();
  }
  await sleep(3000);
  const { cancelFailures, endings } = await cancelAndAwaitEndings(orders, subscribers, 120_000);
  for (const subscriber of subscribers) subscriber.close();

  let broken = 0;
  for (const subscriber of subscribers) {
    const numbers = subscriber.received.map((event) => event.sequence);
    const consecutive = numbers.every((sequence, index) => sequence === (numbers[0] ?? 0) + index);
    if (!consecutive || subscriber.received.at(-1)?.status !== 'CANCELLED') broken += 1;
  }
  const rows = phases.map(({ rate, from, to, changes }) => {
    const latencies = subscribers.flatMap((subscriber) =>
      subscriber.received
        .filter(
          (event) => event.status !== 'CANCELLED' && Date.parse(event.at) >= from && Date.parse(event.at) <= to + 1000,
        )
        .map((event) => event.receivedAt - Date.parse(event.at)),
    );
    return `| ${rate}/s | ${rate * WATCHERS_PER_ORDER}/s | ${ms(latencies, 50)} | ${ms(latencies, 99)} | ${latencies.length} of ${changes * WATCHERS_PER_ORDER} |`;
  });
  const completed = endings.filter((ending) => ending === 'completed').length;
  const otherEnding = endings.find((ending) => ending !== 'completed');

  return {
    id: 'subscription-latency',
    title: 'Live order status: commit to receipt with 1,000 subscribers',
    body: `
${subscribers.length} subscribers, each on a WebSocket of its own to the router (${WATCHERS_PER_ORDER} on each of
${orders.length} orders awaiting payment), stay open for the whole run. The orders then go round
the payment loop (PAYMENT_PROCESSING, PAYMENT_FAILED, PAYMENT_PROCESSING, …) at a fixed rate,
${PHASE_SECONDS} s per phase: the payment outcomes are published to \`payment.events.v1\` as the
payment service's outbox would, and the order worker commits each transition. Each
subscriber times each event from its \`at\` (stamped inside the transition's transaction,
so slightly before the commit) to its arrival: outbox → Debezium → Kafka → the order
subgraph's per-process consumer → one of the router's shared WebSockets to it → the router,
which completes the event with product names from the product subgraph → the client.
Everything, Kafka, Connect, Elasticsearch and PostgreSQL included, shares this machine.
While the ${held.clientSubscriptions} subscriptions were open the router held
**${held.upstreamSockets} upstream sockets** to the order subgraph (target ≤ 16).

| status changes | deliveries | p50 | p99 | samples |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Subscribe → first event (the current status), 50 subscribing at a time: p50 ${ms(firstEventMs, 50)}, p99 ${ms(firstEventMs, 99)}.
At the end every order was cancelled: ${completed} of ${subscribers.length} subscriptions completed after CANCELLED${otherEnding ? ` (another ended with: ${otherEnding})` : ''};
streams with a gap or a repeat in their sequence numbers: ${broken}; cancels that failed: ${cancelFailures}.
Target: p99 ≤ 250 ms.
`,
  };
}

const CAPACITY_ORDERS = 100;
const CAPACITY_STEPS = [1000, 2000, 4000, 6000, 8000];

/**
 * How many subscriptions one router process holds, from a fresh start: subscriptions are
 * opened in steps, each on a client socket of its own (the costlier case), and the router's resident memory is read from /proc after each step settles.
 * Then every watched order is cancelled, to show each subscription was live, and all are closed.
 */
export async function subscriptionCapacity(platform: BenchPlatform): Promise<BenchSection> {
  // A router that served other scenarios' load keeps the heap it grew (V8 does not hand it
  // back), and subscriptions then fill it without moving RSS: measure a fresh process, as a
  // replica that has just started is.
  await platform.services.stopService('router');
  await platform.services.startService('router');
  const routerPid = platform.services.children.get('router')?.pid;
  const orderPid = platform.services.children.get('order')?.pid;
  const orders = await ordersToWatch('Capacity', 20, CAPACITY_ORDERS);
  await sleep(2000);
  const baseline = { router: rssBytes(routerPid), order: rssBytes(orderPid) };

  const subscribers: Subscriber[] = [];
  const rows: string[] = [];
  const points: { subscriptions: number; router: number }[] = [];
  let firstEventMs: number[] = [];
  for (const step of CAPACITY_STEPS) {
    firstEventMs = firstEventMs.concat(await openSubscriptions(orders, step - subscribers.length, 100, subscribers));
    await sleep(3000);
    const figures = await routerFigures();
    const router = rssBytes(routerPid);
    points.push({ subscriptions: step, router });
    rows.push(
      `| ${step} | ${figures.clientSubscriptions} | ${figures.upstreamSockets} | ${mib(router)} MiB | ${mib(rssBytes(orderPid))} MiB |`,
    );
  }

  // Every subscription is live: cancelling the orders reaches each of them.
  const { cancelFailures, endings } = await cancelAndAwaitEndings(orders, subscribers, 300_000);
  const delivered = subscribers.filter((subscriber) => subscriber.received.at(-1)?.status === 'CANCELLED').length;
  for (const subscriber of subscribers) subscriber.close();
  let released = await routerFigures();
  for (let attempt = 0; attempt < 50 && released.upstreamSockets + released.clientSubscriptions > 0; attempt += 1) {
    await sleep(200);
    released = await routerFigures();
  }
  const listenersLeft = await orderListeners();

  // RSS moves with garbage collection, so the cost per subscription is the least-squares slope over every step.
  const all = [{ subscriptions: 0, router: baseline.router }, ...points];
  const meanN = all.reduce((sum, point) => sum + point.subscriptions, 0) / all.length;
  const meanRss = all.reduce((sum, point) => sum + point.router, 0) / all.length;
  const perSubscription =
    all.reduce((sum, point) => sum + (point.subscriptions - meanN) * (point.router - meanRss), 0) /
    all.reduce((sum, point) => sum + (point.subscriptions - meanN) ** 2, 0);
  const projected = Math.floor((GIB - baseline.router) / perSubscription);
  const last = points.at(-1) ?? { subscriptions: 0, router: baseline.router };
  return {
    id: 'subscription-capacity',
    title: 'Live order status: subscriptions one router process holds',
    body: `
The router is restarted, then subscriptions are opened through it in steps, each on a WebSocket of its own (so
each costs the router a client socket, and a share of its few upstream sockets to the order
subgraph), each awaited until its first event; resident memory (VmRSS) is read after the step settles for
3 s. The subscriptions watch ${orders.length} orders of 20 shoppers.

| subscriptions | router reports | upstream sockets | router RSS | order subgraph RSS |
| --- | --- | --- | --- | --- |
| 0 | 0 | 0 | ${mib(baseline.router)} MiB | ${mib(baseline.order)} MiB |
${rows.join('\n')}

About ${(perSubscription / 1024).toFixed(0)} KiB of router memory per subscription (least-squares slope over the steps); at that rate one
router process holds about **${projected.toLocaleString('en-US')}** subscriptions within 1 GiB
(targets: ≥ 5,000, and ≤ 16 KiB per subscriber); ${last.subscriptions.toLocaleString('en-US')} were measured directly at ${mib(last.router)} MiB.
Subscribe → first event while the router held them: p50 ${ms(firstEventMs, 50)}, p99 ${ms(firstEventMs, 99)}.

Liveness and release: cancelling the ${orders.length} orders delivered CANCELLED to ${delivered} of
${subscribers.length} subscribers (${endings.filter((ending) => ending === 'completed').length} completed; ${cancelFailures} cancels failed);
after closing them all the router reports ${released.clientSubscriptions} client subscriptions and
${released.upstreamSockets} upstream sockets, and the order subgraph ${listenersLeft} hub listeners.
`,
  };
}
