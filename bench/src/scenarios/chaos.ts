import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createKafka, type Admin } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { serverStates } from '../../../infra/src/balancer.ts';
import { config } from '../../../infra/src/config.ts';
import { LOCAL_SECRETS, PAYMENT_PROVIDER, ROUTER, serviceUrl } from '../../../infra/src/services.ts';
import { query } from '../databases.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import {
  paymentConfig,
  productOnSale,
  registerShoppers,
  signInAdmin,
  sleep,
  tokenizeTestCard,
  type PaymentConfig,
} from '../shop.ts';
import { median, percentile } from '../stats.ts';
import { SEARCH } from './search.ts';

/**
 * Chaos under steady load, on a platform of two replicas of every router, subgraph and worker
 * behind HAProxy: one router, one subgraph and one worker replica are killed with SIGKILL (a
 * crash, no draining) at spaced moments and started again, while shoppers buy and pay,
 * searchers search and 200 subscribers follow their orders over WebSockets. Afterwards the
 * databases, the provider and the subscribers' streams are checked: every acknowledged order
 * exists once and ends consistent with its payment, nothing was applied twice, nothing oversold.
 *
 * The clients behave as real ones do after a failure: a mutation is retried with the same
 * idempotency key, a dropped subscription resubscribes with `afterSequence`. Every attempt is
 * recorded with its outcome, so errors can be set against the kill windows.
 */
const GRAPHQL_URL = serviceUrl(ROUTER, '/graphql');
const WS_URL = GRAPHQL_URL.replace(/^http/, 'ws');
const REPLICAS = 2;
/** Closed-loop shoppers on a plentiful product: add to cart → checkout → pay → PAID, again. */
const BUYERS = 4;
/** Closed-loop shoppers on a scarce product, until it is sold out: the oversell check. */
const SCARCE_BUYERS = 2;
const SCARCE_STOCK = 20;
const PLENTIFUL_STOCK = 1_000_000;
const SEARCHERS = 2;
const SEARCH_THINK_MS = 100;
/** Orders placed before the load, each followed by one subscriber and paid one by one during it. */
const WATCHED = 200;
const WATCHERS_ACCOUNTS = 10;
const WATCHED_PAY_INTERVAL_MS = 1000;
/** Steady load before the first kill, between a restart and the next kill, and after the last. */
const STEADY_MS = 30_000;
/** How long a killed replica stays dead before it is started again. */
const DEAD_MS = 15_000;
const FLOW_TIMEOUT_MS = 180_000;
const RETRY_INTERVAL_MS = 500;
const RETRY_ATTEMPTS = 60;
const SEARCH_WORDS = ['camera', 'laptop', 'jeans', 'sneakers', 'headphones', 'charger', 'jacket', 'lens'];
/** The order worker's saga consumer group (subgraphs/order/src/events/consumers/order-saga.consumer.ts). */
const ORDER_SAGA_GROUP = 'order-saga';

interface Kill {
  process: string;
  kind: 'router' | 'subgraph' | 'worker';
}
const KILLS: readonly Kill[] = [
  { process: 'router-2', kind: 'router' },
  { process: 'order-2', kind: 'subgraph' },
  { process: 'order-worker-2', kind: 'worker' },
];

/** One request the load generator sent (or one subscription that ended abnormally), and how it ended. */
interface Attempt {
  op: string;
  at: number;
  ms: number;
  code?: string;
}

/** A request that failed: a GraphQL error's code, an HTTP status, or the network error's code. */
class RequestError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const codeOf = (error: { extensions?: { code?: unknown } } | undefined): string | undefined =>
  typeof error?.extensions?.code === 'string' ? error.extensions.code : undefined;

const attempts: Attempt[] = [];

function networkCode(error: unknown): string {
  if (error instanceof RequestError) return error.code;
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return typeof cause?.code === 'string' ? cause.code : error.name;
  }
  return 'UNKNOWN';
}

/** A GraphQL request through :4000, recorded in `attempts`; throws a RequestError on any error. */
async function request<T>(op: string, query: string, variables: object, token?: string): Promise<T> {
  const begin = Date.now();
  try {
    const response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: { data?: T; errors?: { message: string; extensions?: { code?: unknown } }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new RequestError(`HTTP ${response.status}`, text.slice(0, 200));
    }
    const first = body.errors?.[0];
    if (first) throw new RequestError(codeOf(first) ?? `HTTP ${response.status}`, first.message);
    if (!response.ok || body.data === undefined) throw new RequestError(`HTTP ${response.status}`, text.slice(0, 200));
    attempts.push({ op, at: Date.now(), ms: Date.now() - begin });
    return body.data;
  } catch (error) {
    attempts.push({ op, at: Date.now(), ms: Date.now() - begin, code: networkCode(error) });
    throw error;
  }
}

/** Retries a request that is safe to repeat (a read, or a mutation with the same idempotency key). */
async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= RETRY_ATTEMPTS) throw error;
      await sleep(RETRY_INTERVAL_MS);
    }
  }
}

type UserErrors = { userErrors: { code: string }[] };

async function addToCart(token: string, productId: string): Promise<string | undefined> {
  const { addToCart } = await request<{ addToCart: UserErrors }>(
    'addToCart',
    'mutation ($input: AddToCartInput!) { addToCart(input: $input) { userErrors { code } } }',
    { input: { productId, quantity: 1 } },
    token,
  );
  return addToCart.userErrors[0]?.code;
}

async function checkout(token: string, idempotencyKey: string): Promise<{ orderId?: string; refused?: string }> {
  const { checkout } = await request<{ checkout: UserErrors & { order: { id: string } | null } }>(
    'checkout',
    'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }',
    { input: { idempotencyKey } },
    token,
  );
  return checkout.order ? { orderId: checkout.order.id } : { refused: checkout.userErrors[0]?.code ?? 'NO_ORDER' };
}

async function payOrder(token: string, orderId: string, idempotencyKey: string, card: string): Promise<string | null> {
  const { payOrder } = await request<{ payOrder: UserErrors }>(
    'payOrder',
    'mutation ($input: PayOrderInput!) { payOrder(input: $input) { userErrors { code } } }',
    {
      input: { orderId, idempotencyKey, paymentType: 'CARD', paymentMode: 'ONLINE', paymentMethodToken: card },
    },
    token,
  );
  return payOrder.userErrors[0]?.code ?? null;
}

async function cancelOrder(token: string, orderId: string): Promise<void> {
  await request(
    'cancelOrder',
    'mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }',
    { input: { orderId } },
    token,
  );
}

const FINAL = new Set(['PAID', 'REJECTED', 'EXPIRED', 'CANCELLED']);

/** Polls the order through the router until its status is one of `wanted` (or final). */
async function waitForStatus(token: string, orderId: string, wanted: readonly string[]): Promise<string> {
  const deadline = Date.now() + FLOW_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const order = await request<{ order: { status: string } | null }>(
      'order',
      'query ($id: ID!) { order(id: $id) { status } }',
      { id: orderId },
      token,
    ).catch(() => null);
    const status = order?.order?.status;
    if (status && (wanted.includes(status) || FINAL.has(status))) return status;
    await sleep(250);
  }
  throw new Error(`order ${orderId} reached none of ${wanted.join(', ')} within ${FLOW_TIMEOUT_MS} ms`);
}

/** What the shoppers were told: the orders whose checkout was acknowledged, and those whose payment was. */
interface Ledger {
  orders: Map<string, { token: string; productId: string }>;
  paymentsAcknowledged: Set<string>;
  refusals: Map<string, number>;
  /** add to cart → PAID, by when it finished. */
  flows: { at: number; ms: number }[];
  flowFailures: string[];
}

const note = (ledger: Ledger, what: string): void => {
  ledger.refusals.set(what, (ledger.refusals.get(what) ?? 0) + 1);
};

/**
 * One shopper's closed loop: a unit in the cart, checkout, pay, until PAID; again until told to
 * stop, or (on the scarce product) until the product is refused as out of stock.
 */
async function shopper(
  token: string,
  productId: string,
  cards: PaymentConfig,
  ledger: Ledger,
  stopped: () => boolean,
): Promise<void> {
  while (!stopped()) {
    const begin = Date.now();
    try {
      // Not idempotent, but a repeat only makes the line 2 units; the checks count units from the orders.
      const refused = await retrying(() => addToCart(token, productId));
      if (refused) {
        note(ledger, `addToCart ${refused}`);
        if (refused === 'INSUFFICIENT_STOCK') return;
        await sleep(500);
        continue;
      }
      const checkoutKey = randomUUID();
      const placed = await retrying(() => checkout(token, checkoutKey));
      if (!placed.orderId) {
        note(ledger, `checkout ${placed.refused ?? ''}`);
        await sleep(500);
        continue;
      }
      const orderId = placed.orderId;
      ledger.orders.set(orderId, { token, productId });
      const reserved = await waitForStatus(token, orderId, ['AWAITING_PAYMENT']);
      if (reserved !== 'AWAITING_PAYMENT') {
        note(ledger, `order ${reserved}`);
        if (reserved === 'REJECTED') return;
        continue;
      }
      const paymentKey = randomUUID();
      // A card token pays once, as a browser's does; its retries carry the same one with the same key.
      const card = await tokenizeTestCard(cards);
      const payRefused = await retrying(() => payOrder(token, orderId, paymentKey, card));
      if (payRefused) {
        note(ledger, `payOrder ${payRefused}`);
        // The shopper gives up on it, so the order ends rather than holding its stock.
        await retrying(() => cancelOrder(token, orderId));
        continue;
      }
      ledger.paymentsAcknowledged.add(orderId);
      const ended = await waitForStatus(token, orderId, ['PAID']);
      if (ended !== 'PAID') note(ledger, `order ${ended}`);
      ledger.flows.push({ at: Date.now(), ms: Date.now() - begin });
    } catch (error) {
      ledger.flowFailures.push(error instanceof Error ? error.message : String(error));
    }
  }
}

async function searcher(stopped: () => boolean): Promise<void> {
  for (let i = 0; !stopped(); i += 1) {
    await request('search', SEARCH, { query: SEARCH_WORDS[i % SEARCH_WORDS.length], first: 20 }).catch(() => null);
    await sleep(SEARCH_THINK_MS);
  }
}

interface StatusEvent {
  sequence: number;
  status: string;
}

/** A subscriber as a browser tab holds it: it resubscribes after `afterSequence` whenever its stream breaks. */
interface Watcher {
  orderId: string;
  received: StatusEvent[];
  /** Why each stream before the last one ended (close codes, error codes, an early `complete`). */
  breaks: string[];
  done: Promise<void>;
  abandon(): void;
}

function subscribeOnce(
  token: string,
  orderId: string,
  afterSequence: number | undefined,
  onEvent: (event: StatusEvent) => void,
): { ended: Promise<string>; dispose: () => void } {
  const client = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const ended = new Promise<string>((resolve) => {
    client.subscribe<{ orderStatusChanged: StatusEvent }>(
      {
        query: `subscription ($orderId: ID!, $afterSequence: Int) {
          orderStatusChanged(orderId: $orderId, afterSequence: $afterSequence) { sequence status }
        }`,
        variables: { orderId, ...(afterSequence === undefined ? {} : { afterSequence }) },
      },
      {
        next: (result) => {
          const event = result.data?.orderStatusChanged;
          if (event) onEvent(event);
          else {
            const code = codeOf(result.errors?.[0]);
            resolve(`error ${code ?? 'without data'}`);
          }
        },
        error: (error: unknown) => {
          const close = error as { code?: unknown; reason?: unknown };
          // A socket that closed gives its close code; the router's error message an array of GraphQL errors.
          if (typeof close.code === 'number') resolve(`close ${close.code}`);
          else if (Array.isArray(error)) {
            const first = error[0] as { message?: unknown; extensions?: { code?: unknown } } | undefined;
            resolve(
              `error ${codeOf(first) ?? (typeof first?.message === 'string' ? first.message : 'without a code')}`,
            );
          } else resolve(`error ${networkCode(error)}`);
        },
        complete: () => {
          resolve('completed');
        },
      },
    );
  });
  return { ended, dispose: () => void client.dispose() };
}

function watch(token: string, orderId: string): Watcher {
  const received: StatusEvent[] = [];
  const breaks: string[] = [];
  const state = { abandoned: false };
  let dispose = (): void => undefined;
  const last = (): StatusEvent | undefined => received.at(-1);
  const done = (async () => {
    while (!state.abandoned) {
      const begin = Date.now();
      const stream = subscribeOnce(token, orderId, last()?.sequence, (event) => received.push(event));
      dispose = stream.dispose;
      const ending = await stream.ended;
      stream.dispose();
      if (ending === 'completed' && FINAL.has(last()?.status ?? '')) return;
      breaks.push(ending);
      attempts.push({ op: 'subscription', at: Date.now(), ms: Date.now() - begin, code: ending });
      await sleep(RETRY_INTERVAL_MS);
    }
  })();
  return {
    orderId,
    received,
    breaks,
    done,
    abandon: () => {
      state.abandoned = true;
      dispose();
    },
  };
}

/** The subject of a JWT access token: the shopper's user id, to find every order the shoppers own. */
function userIdOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub?: unknown;
  };
  if (typeof payload.sub !== 'string') throw new Error('an access token without a subject');
  return payload.sub;
}

/** A killed replica's story, in ms since the load began. */
interface Recovery {
  kill: Kill;
  killedAt: number;
  /** When the balancer took it out of rotation, or the consumer group settled without it. */
  detectedAt?: number;
  restartAt: number;
  /** When it served again: the balancer sends it traffic, or the group is stable with it. */
  backAt?: number;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return Date.now();
    await sleep(200);
  }
  return undefined;
}

const balancerStatus = async (server: string): Promise<string> =>
  (await serverStates()).find((state) => state.server === server)?.status ?? 'missing';

async function sagaGroup(admin: Admin): Promise<{ state: string; members: string[] }> {
  const { groups } = await admin.describeGroups([ORDER_SAGA_GROUP]);
  const group = groups[0];
  return { state: group?.state ?? 'missing', members: group?.members.map((member) => member.memberId) ?? [] };
}

/** SIGKILLs the replica, keeps it dead a while, starts it again; notes when each was seen. */
async function crashAndRestart(platform: BenchPlatform, admin: Admin, kill: Kill, t0: number): Promise<Recovery> {
  const child = platform.services.children.get(kill.process);
  if (!child || child.exitCode !== null) throw new Error(`${kill.process} is not running`);
  const members = kill.kind === 'worker' ? (await sagaGroup(admin)).members : [];
  const exited = once(child, 'exit');
  const killedAt = Date.now();
  child.kill('SIGKILL');
  await exited;
  const detected =
    kill.kind === 'worker'
      ? // The dead member holds its partitions until its session times out and the group rebalances.
        until(async () => {
          const group = await sagaGroup(admin);
          return group.state === 'Stable' && !members.every((member) => group.members.includes(member));
        }, 120_000)
      : until(async () => (await balancerStatus(kill.process)).startsWith('DOWN'), DEAD_MS);
  await sleep(DEAD_MS);
  const restartAt = Date.now();
  await platform.services.startService(kill.process);
  const backAt =
    kill.kind === 'worker'
      ? await until(async () => {
          const group = await sagaGroup(admin);
          return (
            group.state === 'Stable' &&
            group.members.length === members.length &&
            !members.every((member) => group.members.includes(member))
          );
        }, 120_000)
      : Date.now();
  const detectedAt = await detected;
  const since = (at: number | undefined) => (at === undefined ? undefined : at - t0);
  return {
    kill,
    killedAt: killedAt - t0,
    ...(detectedAt === undefined ? {} : { detectedAt: since(detectedAt) }),
    restartAt: restartAt - t0,
    ...(backAt === undefined ? {} : { backAt: since(backAt) }),
  };
}

async function providerIntents(orderId: string): Promise<{ status: string }[]> {
  const response = await fetch(serviceUrl(PAYMENT_PROVIDER, `/v1/payment_intents?order_id=${orderId}`), {
    headers: { authorization: `Bearer ${LOCAL_SECRETS.provider.secretKey}` },
  });
  return ((await response.json()) as { data: { status: string }[] }).data;
}

const seconds = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export async function chaosScenario(platform: BenchPlatform): Promise<BenchSection> {
  if (platform.services.topology.replicas < REPLICAS) throw new Error('the chaos scenario needs replicas');
  const admin = await signInAdmin();
  const plentiful = await productOnSale(admin, 'Bench Chaos', '25.00', PLENTIFUL_STOCK);
  const scarce = await productOnSale(admin, 'Bench Chaos Scarce', '99.00', SCARCE_STOCK);
  const stock = new Map([
    [plentiful, PLENTIFUL_STOCK],
    [scarce, SCARCE_STOCK],
  ]);
  const buyers = await registerShoppers(BUYERS, 'chaos-buyer');
  const scarceBuyers = await registerShoppers(SCARCE_BUYERS, 'chaos-scarce');
  const watcherAccounts = await registerShoppers(WATCHERS_ACCOUNTS, 'chaos-watcher');
  const cards = await paymentConfig();
  const ledger: Ledger = {
    orders: new Map(),
    paymentsAcknowledged: new Set(),
    refusals: new Map(),
    flows: [],
    flowFailures: [],
  };

  // Untimed: the watched orders, awaiting payment, and a subscriber on each.
  const watched: { token: string; orderId: string }[] = [];
  const placeWatched = async (token: string, count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) {
      await retrying(() => addToCart(token, plentiful));
      const key = randomUUID();
      const { orderId } = await retrying(() => checkout(token, key));
      if (!orderId) throw new Error('a watched order was refused');
      ledger.orders.set(orderId, { token, productId: plentiful });
      if ((await waitForStatus(token, orderId, ['AWAITING_PAYMENT'])) !== 'AWAITING_PAYMENT')
        throw new Error(`watched order ${orderId} was not reserved`);
      watched.push({ token, orderId });
    }
  };
  await Promise.all(watcherAccounts.map((token) => placeWatched(token, WATCHED / WATCHERS_ACCOUNTS)));
  const watchers = watched.map(({ token, orderId }) => watch(token, orderId));
  const opened = await until(async () => watchers.every((watcher) => watcher.received.length > 0), 120_000);
  if (opened === undefined) throw new Error('not every subscriber received its order’s current status');

  const kafka = createKafka({
    clientId: 'bench-chaos',
    brokers: config.endpoints.kafka.brokers,
    logger: createLogger('bench', { level: 'error' }),
  });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();

  // The load: shoppers, searchers, and the watched orders paid one a second.
  attempts.length = 0;
  const t0 = Date.now();
  let stopping = false;
  const stopped = () => stopping;
  const loops = [
    ...buyers.map((token) => shopper(token, plentiful, cards, ledger, stopped)),
    ...scarceBuyers.map((token) => shopper(token, scarce, cards, ledger, stopped)),
    ...Array.from({ length: SEARCHERS }, () => searcher(stopped)),
  ];
  const watchedPayments = (async () => {
    const payments: Promise<void>[] = [];
    for (const [i, { token, orderId }] of watched.entries()) {
      await sleep(Math.max(0, t0 + i * WATCHED_PAY_INTERVAL_MS - Date.now()));
      const key = randomUUID();
      payments.push(
        tokenizeTestCard(cards)
          .then((card) => retrying(() => payOrder(token, orderId, key, card)))
          .then(
            (refused) => {
              if (refused) note(ledger, `payOrder ${refused}`);
              else ledger.paymentsAcknowledged.add(orderId);
            },
            (error: unknown) => void ledger.flowFailures.push(`watched payment: ${String(error)}`),
          ),
      );
    }
    await Promise.all(payments);
  })();

  const recoveries: Recovery[] = [];
  for (const kill of KILLS) {
    await sleep(STEADY_MS);
    console.log(`chaos: killing ${kill.process}`);
    recoveries.push(await crashAndRestart(platform, kafkaAdmin, kill, t0));
  }
  await sleep(STEADY_MS);
  await watchedPayments;
  const loadEnd = Date.now() - t0;
  stopping = true;
  await Promise.all(loops);
  // Every subscriber should see its order's final status; those that never do are the finding.
  await until(async () => watchers.every((watcher) => FINAL.has(watcher.received.at(-1)?.status ?? '')), 120_000);
  // Those still waiting are closed; their streams are judged on what they received.
  for (const watcher of watchers) watcher.abandon();
  await kafkaAdmin.disconnect();

  // Let the last sagas finish, then check from the databases.
  const acknowledged = [...ledger.orders.keys()];
  const userIds = [...new Set([...buyers, ...scarceBuyers, ...watcherAccounts].map(userIdOf))];
  await until(async () => {
    const rows = await query<{ n: string }>(
      'order',
      `select count(*) as n from orders where user_id = any($1::uuid[]) and status not in ('PAID','REJECTED','EXPIRED','CANCELLED')`,
      [userIds],
    );
    return Number(rows[0]?.n) === 0;
  }, 60_000);
  const verdict = await verify(ledger, acknowledged, userIds, stock);

  // Subscribers: each ends on its order's final status, its stream without gaps or repeats.
  const finalOf = new Map(verdict.orders.map((order) => [order.id, order.status]));
  let onFinal = 0;
  let broken = 0;
  let resubscribed = 0;
  for (const watcher of watchers) {
    const sequences = watcher.received.map((event) => event.sequence);
    if (sequences.some((sequence, i) => sequence !== (sequences[0] ?? 0) + i)) broken += 1;
    if (watcher.received.at(-1)?.status === finalOf.get(watcher.orderId)) onFinal += 1;
    if (watcher.breaks.length > 0) resubscribed += 1;
  }
  const breakCodes = countBy(watchers.flatMap((watcher) => watcher.breaks));

  return report({ t0, loadEnd, ledger, recoveries, verdict, watchers: { onFinal, broken, resubscribed, breakCodes } });
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

interface Verdict {
  orders: { id: string; status: string; user_id: string }[];
  missing: string[];
  /** Orders of the run still not in a final status after the drain. */
  notFinal: string[];
  /** Orders of the run's shoppers that no acknowledged checkout returned. */
  unacknowledged: number;
  paidAcknowledgedNotPaid: string[];
  historyDefects: string[];
  outboxDuplicates: string[];
  paymentDefects: string[];
  doubleCharges: string[];
  reservationDefects: string[];
  stock: { productId: string; initial: number; onHand: number; reserved: number; paidUnits: number }[];
}

async function verify(
  ledger: Ledger,
  acknowledged: readonly string[],
  userIds: readonly string[],
  stock: ReadonlyMap<string, number>,
): Promise<Verdict> {
  const orders = await query<{ id: string; status: string; user_id: string }>(
    'order',
    'select id::text, status, user_id::text from orders where user_id = any($1::uuid[])',
    [userIds],
  );
  const found = new Set(orders.map((order) => order.id));
  const ours = new Set(acknowledged);
  const statusOf = new Map(orders.map((order) => [order.id, order.status]));
  const ids = orders.map((order) => order.id);

  // The history of each order: 1, 2, 3 … without gaps, no status entered twice in a row, PAID at most once.
  const history = await query<{ order_id: string; sequence: number; status: string }>(
    'order',
    'select order_id::text, sequence, status from order_status_history where order_id = any($1::uuid[]) order by order_id, sequence',
    [ids],
  );
  const historyDefects: string[] = [];
  const byOrder = new Map<string, { sequence: number; status: string }[]>();
  for (const row of history) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row]);
  for (const [orderId, rows] of byOrder) {
    const gap = rows.some((row, i) => row.sequence !== i + 1);
    const repeat = rows.some((row, i) => i > 0 && rows[i - 1]?.status === row.status);
    const paid = rows.filter((row) => row.status === 'PAID').length;
    if (gap || repeat || paid > 1 || rows.at(-1)?.status !== statusOf.get(orderId))
      historyDefects.push(`${orderId}: ${rows.map((row) => `${row.sequence}:${row.status}`).join(' ')}`);
  }

  // Each fact published once per order: the outboxes keep their rows for days.
  const outboxDuplicates = [
    ...(
      await query<{ key: string; n: string }>(
        'order',
        `select aggregateid || ' ' || type || ' ' || coalesce(payload->>'sequence', '') as key, count(*) as n from outbox
         where aggregateid = any($1::text[]) group by aggregateid, type, payload->>'sequence' having count(*) > 1`,
        [ids],
      )
    ).map((row) => `order outbox ${row.key} ×${row.n}`),
    ...(
      await query<{ key: string; n: string }>(
        'cart',
        `select payload->>'orderId' || ' ' || type as key, count(*) as n from outbox
         where payload->>'orderId' = any($1::text[]) group by payload->>'orderId', type having count(*) > 1`,
        [ids],
      )
    ).map((row) => `inventory outbox ${row.key} ×${row.n}`),
    ...(
      await query<{ key: string; n: string }>(
        'payment',
        `select payload->>'orderId' || ' ' || type as key, count(*) as n from outbox
         where payload->>'orderId' = any($1::text[]) and type in ('PaymentSucceeded', 'PaymentRefunded')
         group by payload->>'orderId', type having count(*) > 1`,
        [ids],
      )
    ).map((row) => `payment outbox ${row.key} ×${row.n}`),
  ];

  // Payments: exactly one captured per PAID order, none for the others; the provider charged each once.
  const payments = await query<{ order_id: string; succeeded: string }>(
    'payment',
    `select order_id::text, count(*) filter (where status = 'SUCCEEDED') as succeeded from payments
     where order_id = any($1::uuid[]) group by order_id`,
    [ids],
  );
  const succeededOf = new Map(payments.map((row) => [row.order_id, Number(row.succeeded)]));
  const paymentDefects = orders
    .filter((order) => (succeededOf.get(order.id) ?? 0) !== (order.status === 'PAID' ? 1 : 0))
    .map((order) => `${order.id} ${order.status} with ${succeededOf.get(order.id) ?? 0} captured payments`);
  const doubleCharges: string[] = [];
  for (const order of orders) {
    const charged = (await providerIntents(order.id)).filter((intent) => intent.status === 'succeeded').length;
    if (charged !== (order.status === 'PAID' ? 1 : 0))
      doubleCharges.push(`${order.id} ${order.status} charged ×${charged}`);
  }

  // Reservations: one per order, COMMITTED exactly for the PAID ones, none left HELD.
  const reservations = await query<{ order_id: string; status: string }>(
    'cart',
    'select order_id::text, status from reservations where order_id = any($1::uuid[])',
    [ids],
  );
  const reservationOf = new Map(reservations.map((row) => [row.order_id, row.status]));
  const expected: Record<string, string> = {
    PAID: 'COMMITTED',
    REJECTED: 'REJECTED',
    EXPIRED: 'RELEASED',
    CANCELLED: 'RELEASED',
  };
  const reservationDefects = orders
    .filter((order) => reservationOf.get(order.id) !== expected[order.status])
    .map((order) => `${order.id} ${order.status} reservation ${reservationOf.get(order.id) ?? 'none'}`);

  // Stock: what left the shelf equals the units of the PAID orders; nothing reserved past the run.
  const productIds = [...stock.keys()];
  const inventory = await query<{ product_id: string; on_hand: number; reserved: number }>(
    'cart',
    'select product_id::text, on_hand, reserved from inventory where product_id = any($1::uuid[])',
    [productIds],
  );
  const paidUnits = await query<{ product_id: string; units: string }>(
    'order',
    `select l.product_id::text, sum(l.quantity) as units from order_lines l join orders o on o.id = l.order_id
     where o.user_id = any($1::uuid[]) and o.status = 'PAID' group by l.product_id`,
    [userIds],
  );
  const stockRows = productIds.map((productId) => {
    const row = inventory.find((entry) => entry.product_id === productId);
    return {
      productId,
      initial: stock.get(productId) ?? 0,
      onHand: row?.on_hand ?? Number.NaN,
      reserved: row?.reserved ?? Number.NaN,
      paidUnits: Number(paidUnits.find((entry) => entry.product_id === productId)?.units ?? 0),
    };
  });

  return {
    orders,
    missing: acknowledged.filter((id) => !found.has(id)),
    notFinal: orders.filter((order) => !FINAL.has(order.status)).map((order) => `${order.id} ${order.status}`),
    unacknowledged: orders.filter((order) => !ours.has(order.id)).length,
    paidAcknowledgedNotPaid: [...ledger.paymentsAcknowledged].filter((id) => statusOf.get(id) !== 'PAID'),
    historyDefects,
    outboxDuplicates,
    paymentDefects,
    doubleCharges,
    reservationDefects,
    stock: stockRows,
  };
}

interface ReportInput {
  t0: number;
  loadEnd: number;
  ledger: Ledger;
  recoveries: readonly Recovery[];
  verdict: Verdict;
  watchers: { onFinal: number; broken: number; resubscribed: number; breakCodes: Map<string, number> };
}

function report({ t0, loadEnd, ledger, recoveries, verdict, watchers }: ReportInput): BenchSection {
  // Windows: steady stretches, and each kill from the SIGKILL until the replica serves again.
  const windows: { name: string; from: number; to: number; kill: boolean }[] = [];
  let from = 0;
  for (const [i, recovery] of recoveries.entries()) {
    windows.push({
      name: i === 0 ? 'before' : `steady after ${recoveries[i - 1]?.kill.process ?? ''}`,
      from,
      to: recovery.killedAt,
      kill: false,
    });
    const to = recovery.backAt ?? recovery.restartAt;
    windows.push({ name: `${recovery.kill.process} killed → back`, from: recovery.killedAt, to, kill: true });
    from = to;
  }
  windows.push({
    name: `steady after ${recoveries.at(-1)?.kill.process ?? ''}, drain`,
    from,
    to: Number.POSITIVE_INFINITY,
    kill: false,
  });
  const inWindow = (window: { from: number; to: number }) =>
    attempts.filter((attempt) => attempt.at - t0 >= window.from && attempt.at - t0 < window.to);
  const windowRows = windows.map((window) => {
    const all = inWindow(window);
    const failed = all.filter((attempt) => attempt.code !== undefined);
    const codes = [...countBy(failed.map((attempt) => `${attempt.op}: ${attempt.code ?? ''}`))]
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
    const flows = ledger.flows
      .filter((flow) => flow.at - t0 >= window.from && flow.at - t0 < window.to)
      .map((flow) => flow.ms);
    const end = Number.isFinite(window.to) ? seconds(window.to) : 'end';
    return `| ${window.name} | ${seconds(window.from)}–${end} | ${all.length - failed.length} | ${failed.length} | ${codes || '–'} | ${flows.length} | ${flows.length ? `${median(flows).toFixed(0)} / ${percentile(flows, 99).toFixed(0)} ms` : '–'} |`;
  });
  const steadyErrors = windows
    .filter((window) => !window.kill)
    .flatMap(inWindow)
    .filter((attempt) => attempt.code !== undefined).length;
  // A crash may fail what the dead process had in flight: at most one request per closed-loop client
  // (and the watched payments', one a second). More failed requests mean the survivors refused some too.
  const inFlightBound = BUYERS + SCARCE_BUYERS + SEARCHERS + 1;
  const beyondInFlight = windows
    .filter((window) => window.kill)
    .map((window) => ({
      name: window.name,
      failed: inWindow(window).filter((attempt) => attempt.op !== 'subscription' && attempt.code !== undefined).length,
    }));
  const overflowing = beyondInFlight.filter((window) => window.failed > inFlightBound);

  const recoveryRows = recoveries.map((recovery) => {
    const detectedIn = recovery.detectedAt === undefined ? undefined : recovery.detectedAt - recovery.killedAt;
    const backIn = recovery.backAt === undefined ? undefined : recovery.backAt - recovery.restartAt;
    const detection = recovery.kill.kind === 'worker' ? 'saga group stable without it' : 'HAProxy marks it DOWN';
    const back = recovery.kill.kind === 'worker' ? 'saga group stable with it again' : 'healthy and UP in HAProxy';
    return `| ${recovery.kill.process} (${recovery.kill.kind}) | ${seconds(recovery.killedAt)} | ${detection}: ${seconds(detectedIn)} | ${seconds(recovery.restartAt)} | ${back}: ${seconds(backIn)} |`;
  });

  const statusCounts = countBy(verdict.orders.map((order) => order.status));
  const byStatus = [...statusCounts].map(([status, n]) => `${status} ${n}`).join(', ');
  const oversold = verdict.stock.reduce((sum, row) => sum + Math.max(0, row.paidUnits - row.initial), 0);
  const stockRows = verdict.stock.map(
    (row, i) =>
      `| ${i === 0 ? 'plentiful' : 'scarce'} | ${row.initial} | ${row.paidUnits} | ${row.initial - row.onHand} | ${row.onHand} | ${row.reserved} |`,
  );
  const list = (items: readonly string[]) =>
    items.length === 0 ? '0' : `**${items.length}** (${items.slice(0, 3).join('; ')}${items.length > 3 ? '; …' : ''})`;
  const stockMismatch = verdict.stock.filter(
    (row) => row.initial - row.onHand !== row.paidUnits || row.reserved !== 0 || row.onHand < 0,
  ).length;
  const refusals = [...ledger.refusals].map(([what, n]) => `${what} ×${n}`).join(', ') || 'none';
  const duplicates =
    verdict.unacknowledged +
    verdict.historyDefects.length +
    verdict.outboxDuplicates.length +
    verdict.doubleCharges.length;
  const lost = verdict.missing.length + verdict.paidAcknowledgedNotPaid.length;
  const sound =
    lost === 0 &&
    duplicates === 0 &&
    oversold === 0 &&
    stockMismatch === 0 &&
    verdict.paymentDefects.length === 0 &&
    verdict.reservationDefects.length === 0 &&
    verdict.notFinal.length === 0 &&
    watchers.onFinal === WATCHED &&
    watchers.broken === 0 &&
    steadyErrors === 0 &&
    overflowing.length === 0;
  const breakCodes = [...watchers.breakCodes].map(([code, n]) => `${code} ×${n}`).join(', ') || 'none';

  return {
    id: 'chaos',
    title: 'Chaos: a router, a subgraph and a worker replica killed under load',
    body: `
The platform runs ${REPLICAS} replicas of every router, subgraph and worker behind HAProxy. Under
steady closed-loop load, ${BUYERS} shoppers buy a plentiful product (add to cart → checkout →
AWAITING_PAYMENT → payOrder with the success card → PAID through the provider's webhook, again),
${SCARCE_BUYERS} shoppers buy a product with ${SCARCE_STOCK} units until it is refused, ${SEARCHERS} searchers search
(${SEARCH_THINK_MS} ms think time), and ${WATCHED} subscribers each follow an order placed before the load over a
WebSocket of their own through :4000; those orders are paid one every ${WATCHED_PAY_INTERVAL_MS / 1000} s during the load. Then
one replica after another is killed with SIGKILL (a crash: no draining), left dead ${DEAD_MS / 1000} s and started
again, with ${STEADY_MS / 1000} s of steady load before, between and after. The clients behave as real ones: a failed
request is retried (mutations with the same idempotency key) every ${RETRY_INTERVAL_MS} ms, a broken subscription
resubscribes with \`afterSequence\` set to the last sequence it saw. Load ran ${seconds(loadEnd)}; times below
are from its start.

| killed (SIGKILL) | at | detected | restarted at | back |
| --- | --- | --- | --- | --- |
${recoveryRows.join('\n')}

Requests through :4000 by window (an attempt belongs to the window in which it ended; a broken
subscription counts as a failed \`subscription\` attempt); flows are add to cart → PAID:

| window | span | ok | failed | failures by operation and code | flows | flow p50 / p99 |
| --- | --- | --- | --- | --- | --- | --- |
${windowRows.join('\n')}

Errors outside the kill windows: **${steadyErrors}**. Failed requests (not subscriptions) in each kill window, against
the ${inFlightBound} at most in flight at the crash: ${beyondInFlight.map((window) => `${window.name} ${window.failed}`).join(', ')}${overflowing.length > 0 ? ' — **more failed than were in flight**: the surviving replica refused requests too (see HAProxy’s log for a server marked DOWN)' : ''}. Shoppers' refusals (user errors and final statuses
other than PAID): ${refusals}. Flows that gave up: ${ledger.flowFailures.length}${ledger.flowFailures[0] ? ` (${ledger.flowFailures[0]})` : ''}.

Checked afterwards in the order, cart and payment databases and at the provider, over every order of
the run's shoppers (${verdict.orders.length}: ${byStatus}):

| check | result |
| --- | --- |
| acknowledged checkouts | ${ledger.orders.size} |
| acknowledged checkouts missing from the order database (lost) | ${list(verdict.missing)} |
| acknowledged payments whose order is not PAID (lost) | ${list(verdict.paidAcknowledgedNotPaid)} of ${ledger.paymentsAcknowledged.size} |
| orders still not final after the drain | ${list(verdict.notFinal)} |
| orders no acknowledged checkout returned (applied twice) | ${verdict.unacknowledged} |
| status histories with a gap, a repeated status or a wrong last status | ${list(verdict.historyDefects)} |
| events written twice to an outbox (order, inventory, payment) | ${list(verdict.outboxDuplicates)} |
| orders whose captured payments ≠ 1 if PAID, 0 otherwise | ${list(verdict.paymentDefects)} |
| orders charged at the provider other than once if PAID, never otherwise | ${list(verdict.doubleCharges)} |
| reservations not matching the order's final status | ${list(verdict.reservationDefects)} |
| units oversold | ${oversold} |

| product | stock | units in PAID orders | units gone from on hand | on hand | reserved |
| --- | --- | --- | --- | --- | --- |
${stockRows.join('\n')}

Subscribers: ${watchers.onFinal} of ${WATCHED} ended on their order's final status; ${watchers.resubscribed} had to
resubscribe (breaks: ${breakCodes}); streams with a gap or a repeat across resubscriptions: ${watchers.broken}.

Verdict: **${sound ? 'no order lost or applied twice, nothing oversold, every subscriber on its final status, errors only during the kills and no more than were in flight' : 'DEFECTS FOUND (see the rows above)'}**.
`,
  };
}
