import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { cpuAboveIdle, cpuRates, cpuSeconds, untilQuiet } from '../cpu.ts';
import { connect, query } from '../databases.ts';
import { runLoad } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import {
  addToCart,
  checkout,
  graphql,
  payOrder,
  paymentConfig,
  productOnSale,
  registerShoppers,
  signInAdmin,
  sleep,
  tokenizeTestCard,
  type PaymentConfig,
} from '../shop.ts';
import { median, percentile } from '../stats.ts';

/**
 * What a whole purchase costs the platform: add to cart → checkout → (the saga reserves the
 * stock) → pay with a card → (the provider's webhook, the saga) → PAID, every process's CPU
 * above its idle rate, engines and the load generator included. Twice: at saturation (a
 * closed loop as busy as two cores allow) and at a steady 5 purchases/s (open loop), where
 * every hop's fixed cost per batch shows. Then checkout alone at a steady 20/s on a product
 * with less stock than is asked for, for its p99 and the oversell check.
 *
 * The load generator learns that an order has moved on from the order database (one read of
 * all the orders it waits on, every 100 ms, on one connection) rather than by polling the API,
 * which would add the polls to the figure.
 */
const SHOPPERS = 64;
const SATURATION_PURCHASES = 300;
const SATURATION_CONCURRENCY = 16;
const STEADY_RATE = 5;
const STEADY_SECONDS = 60;
const CHECKOUT_RATE = 20;
const CHECKOUT_SECONDS = 30;
/** Less than the 600 checkouts of that phase ask for, so that it sells out part-way. */
const SCARCE_STOCK = 400;
const CHECKOUT_SHOPPERS = 150;
const IDLE_MS = 5000;
const DRAIN_MAX_MS = 120_000;
const WAIT_MAX_MS = 60_000;

/** Resolves waiters when the orders they wait on reach a status, from one read of the order database per tick. */
class OrderWatch {
  readonly #client: pg.Client;
  readonly #waiting = new Map<
    string,
    { status: string; resolve: () => void; reject: (error: Error) => void; until: number }
  >();
  #timer: NodeJS.Timeout | undefined;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async start(): Promise<OrderWatch> {
    const watch = new OrderWatch(await connect('order'));
    watch.#tick();
    return watch;
  }

  reached(orderId: string, status: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(orderId, { status, resolve, reject, until: Date.now() + WAIT_MAX_MS });
    });
  }

  #tick(): void {
    this.#timer = setTimeout(() => {
      void this.#poll().finally(() => {
        if (this.#timer) this.#tick();
      });
    }, 100);
  }

  async #poll(): Promise<void> {
    if (this.#waiting.size === 0) return;
    const { rows } = await this.#client.query<{ id: string; status: string }>(
      'select id::text, status from orders where id = any($1::uuid[])',
      [[...this.#waiting.keys()]],
    );
    const statusOf = new Map(rows.map((row) => [row.id, row.status]));
    for (const [orderId, waiter] of this.#waiting) {
      const status = statusOf.get(orderId);
      if (status === waiter.status) {
        this.#waiting.delete(orderId);
        waiter.resolve();
      } else if (status === 'REJECTED' || status === 'CANCELLED' || Date.now() > waiter.until) {
        this.#waiting.delete(orderId);
        waiter.reject(new Error(`order ${orderId} is ${status ?? 'missing'}, not ${waiter.status}`));
      }
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#client.end();
  }
}

/** Shoppers not busy with a purchase: a shopper has one cart, so one purchase at a time. */
class ShopperPool {
  readonly #free: string[];
  readonly #queue: ((token: string) => void)[] = [];
  /** Purchases that had to wait for a free shopper (an open loop should have none). */
  waited = 0;

  constructor(tokens: readonly string[]) {
    this.#free = [...tokens];
  }

  async take(): Promise<string> {
    const token = this.#free.pop();
    if (token !== undefined) return token;
    this.waited += 1;
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  give(token: string): void {
    const next = this.#queue.shift();
    if (next) next(token);
    else this.#free.push(token);
  }
}

interface Phase {
  purchases: number;
  failed: number;
  firstError?: string;
  seconds: number;
  cpu: [string, number][];
  latenciesMs: number[];
}

/** One purchase, start to PAID. */
async function purchase(token: string, productId: string, card: PaymentConfig, watch: OrderWatch): Promise<void> {
  await addToCart(token, productId);
  const orderId = await checkout(token);
  await watch.reached(orderId, 'AWAITING_PAYMENT');
  const refused = await payOrder({ token, orderId }, await tokenizeTestCard(card));
  if (refused) throw new Error(`payOrder refused: ${refused}`);
  await watch.reached(orderId, 'PAID');
}

/** Runs `load`, then waits for the platform to be quiet, and returns the CPU above idle it took. */
async function measured(
  platform: BenchPlatform,
  load: () => Promise<{ done: number; failed: number; firstError?: string; latenciesMs: number[] }>,
): Promise<Phase> {
  const idle = await cpuRates(platform, IDLE_MS);
  const before = cpuSeconds(platform);
  const started = performance.now();
  const { done, failed, firstError, latenciesMs } = await load();
  const seconds = (performance.now() - started) / 1000;
  await untilQuiet(platform, idle, DRAIN_MAX_MS);
  const cpu = cpuAboveIdle(before, cpuSeconds(platform), idle, (performance.now() - started) / 1000);
  return { purchases: done, failed, seconds, cpu, latenciesMs, ...(firstError ? { firstError } : {}) };
}

/** Starts `send(i)` at i / rate seconds for `seconds`, whatever the answers' latency; waits for all. */
async function openLoop(
  rate: number,
  seconds: number,
  send: (index: number) => Promise<number | undefined>,
): Promise<{ done: number; failed: number; firstError?: string; latenciesMs: number[] }> {
  const started = performance.now();
  const runs: Promise<void>[] = [];
  const latenciesMs: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  for (let index = 0; index < rate * seconds; index += 1) {
    await sleep(Math.max(0, started + (index * 1000) / rate - performance.now()));
    runs.push(
      send(index).then(
        (latency) => {
          if (latency !== undefined) latenciesMs.push(latency);
        },
        (error: unknown) => {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(runs);
  return { done: latenciesMs.length, failed, latenciesMs, ...(firstError ? { firstError } : {}) };
}

const total = (cpu: [string, number][]): number => cpu.reduce((sum, [, seconds]) => sum + seconds, 0);
const perOperationMs = (cpu: [string, number][], count: number): string =>
  count > 0 ? ((total(cpu) * 1000) / count).toFixed(1) : '-';

export async function purchaseScenario(platform: BenchPlatform): Promise<BenchSection> {
  const admin = await signInAdmin();
  const productId = await productOnSale(admin, 'Bench Purchase Lamp', '19.00', 1_000_000);
  const scarceId = await productOnSale(admin, 'Bench Purchase Scarce', '49.00', SCARCE_STOCK);
  const shoppers = new ShopperPool(await registerShoppers(SHOPPERS, 'purchase'));
  const checkoutShoppers = await registerShoppers(CHECKOUT_SHOPPERS, 'purchase-checkout');
  const card = await paymentConfig();
  const watch = await OrderWatch.start();

  const timedPurchase = async (): Promise<number> => {
    const token = await shoppers.take();
    const begin = performance.now();
    try {
      await purchase(token, productId, card, watch);
      return performance.now() - begin;
    } finally {
      shoppers.give(token);
    }
  };

  let saturation: Phase;
  let steady: Phase;
  let checkouts: Phase;
  try {
    // A few purchases first, so that nothing pays for its first use inside a figure.
    await runLoad({
      concurrency: 4,
      requests: 20,
      send: async () => {
        await timedPurchase();
      },
    });
    saturation = await measured(platform, async () => {
      const latenciesMs: number[] = [];
      const result = await runLoad({
        concurrency: SATURATION_CONCURRENCY,
        requests: SATURATION_PURCHASES,
        send: async () => {
          latenciesMs.push(await timedPurchase());
        },
      });
      return {
        done: latenciesMs.length,
        failed: result.errors,
        latenciesMs,
        ...(result.firstError ? { firstError: result.firstError } : {}),
      };
    });
    steady = await measured(platform, () => openLoop(STEADY_RATE, STEADY_SECONDS, timedPurchase));
    // Each checkout shopper's turn comes round every CHECKOUT_SHOPPERS / CHECKOUT_RATE s, long
    // after its previous checkout has emptied its cart.
    checkouts = await measured(platform, () =>
      openLoop(CHECKOUT_RATE, CHECKOUT_SECONDS, async (index) => {
        const token = checkoutShoppers[index % checkoutShoppers.length] ?? '';
        await addToCart(token, scarceId).catch((error: unknown) => {
          // Sold out shows at the cart too; the checkout is what is timed.
          if (!(error instanceof Error && error.message.includes('INSUFFICIENT_STOCK'))) throw error;
        });
        const begin = performance.now();
        // Placed or refused (the cart is empty once sold out), an answer is an answer.
        await graphql<{ checkout: { order: { id: string } | null } }>(
          'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }',
          { input: { idempotencyKey: randomUUID() } },
          token,
        );
        return performance.now() - begin;
      }),
    );
  } finally {
    await watch.stop();
  }

  // Oversell: once no order of the scarce product is still PENDING, the units its orders hold
  // are within the stock, and the cart service reserves exactly those.
  let holding = 0;
  let pending = 0;
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const rows = await query<{ status: string; units: string }>(
      'order',
      `select o.status, sum(l.quantity) as units from order_lines l join orders o on o.id = l.order_id
       where l.product_id = $1 group by o.status`,
      [scarceId],
    );
    pending = Number(rows.find((row) => row.status === 'PENDING')?.units ?? 0);
    holding = rows
      .filter((row) => row.status === 'AWAITING_PAYMENT' || row.status === 'PAID')
      .reduce((sum, row) => sum + Number(row.units), 0);
    if (pending === 0) break;
    await sleep(500);
  }
  const [inventory] = await query<{ on_hand: number; reserved: number }>(
    'cart',
    'select on_hand, reserved from inventory where product_id = $1',
    [scarceId],
  );
  const oversold =
    pending > 0 ||
    holding > SCARCE_STOCK ||
    inventory === undefined ||
    inventory.reserved !== holding ||
    inventory.on_hand - inventory.reserved < 0;

  const byProcess = (phases: { label: string; phase: Phase; count: number }[]) => {
    const parts = new Set(phases.flatMap(({ phase }) => phase.cpu.map(([part]) => part)));
    const rows = [...parts]
      .map((part) => ({
        part,
        values: phases.map(({ phase, count }) => {
          const seconds = phase.cpu.find(([name]) => name === part)?.[1] ?? 0;
          return count > 0 ? (seconds * 1000) / count : 0;
        }),
      }))
      .sort((a, b) => (b.values[0] ?? 0) - (a.values[0] ?? 0))
      .map(({ part, values }) => `| ${part} | ${values.map((value) => value.toFixed(1)).join(' | ')} |`);
    return [
      `| process | ${phases.map(({ label }) => label).join(' | ')} |`,
      `| --- | ${phases.map(() => '---').join(' | ')} |`,
      ...rows,
      `| all | ${phases.map(({ phase, count }) => perOperationMs(phase.cpu, count)).join(' | ')} |`,
    ].join('\n');
  };
  const rate = (phase: Phase) => (phase.purchases / phase.seconds).toFixed(1);
  const failures = (phase: Phase) => `${phase.failed}${phase.firstError ? ` (first: ${phase.firstError})` : ''}`;

  return {
    id: 'purchase',
    title: 'Issue 16: CPU per purchase, and checkout at a steady 20/s',
    body: `
A purchase: add one unit to the cart → checkout → (the saga reserves it) → payOrder with a
card tokenized at the provider → (webhook, saga) → PAID, through the router. CPU is every
process's (engines and the load generator included) above its idle rate, from the start of a
phase until the platform is quiet again after it, divided by the purchases completed. The
load generator watches orders move on in the order database (one read every 100 ms), not
through the API.

| phase | purchases | failed | purchases/s | p50 | p99 | CPU per purchase | target |
| --- | --- | --- | --- | --- | --- | --- | --- |
| saturation (closed loop, ${SATURATION_CONCURRENCY} at once) | ${saturation.purchases} | ${failures(saturation)} | ${rate(saturation)} | ${median(saturation.latenciesMs).toFixed(0)} ms | ${percentile(saturation.latenciesMs, 99).toFixed(0)} ms | **${perOperationMs(saturation.cpu, saturation.purchases)} ms** | ≤ 25 ms |
| steady ${STEADY_RATE}/s (open loop, ${STEADY_SECONDS} s) | ${steady.purchases} | ${failures(steady)} | ${rate(steady)} | ${median(steady.latenciesMs).toFixed(0)} ms | ${percentile(steady.latenciesMs, 99).toFixed(0)} ms | **${perOperationMs(steady.cpu, steady.purchases)} ms** | ≤ 60 ms |

${shoppers.waited > 0 ? `${shoppers.waited} purchases waited for a free shopper (a shopper has one cart).\n\n` : ''}CPU per purchase by process (ms):

${byProcess([
  { label: 'saturation', phase: saturation, count: saturation.purchases },
  { label: `${STEADY_RATE}/s`, phase: steady, count: steady.purchases },
])}

Checkout alone at a steady ${CHECKOUT_RATE}/s for ${CHECKOUT_SECONDS} s (open loop; ${CHECKOUT_SHOPPERS} shoppers in
turn, each adding one unit first, untimed) on a product with ${SCARCE_STOCK} units, so that it sells out
part-way: ${checkouts.purchases} checkouts answered, ${failures(checkouts)} failed;
p50 ${median(checkouts.latenciesMs).toFixed(0)} ms, **p99 ${percentile(checkouts.latenciesMs, 99).toFixed(0)} ms** (target ≤ 250 ms, 0 oversold).
Units held by its orders once none is PENDING: ${holding} of ${SCARCE_STOCK}; the cart service
reserves ${inventory?.reserved ?? 'none'} of ${inventory?.on_hand ?? 'none'} on hand. Oversold: **${oversold ? 'YES' : 'no'}**.
CPU per checkout (add to cart and the saga to AWAITING_PAYMENT or REJECTED included): ${perOperationMs(checkouts.cpu, checkouts.purchases)} ms.
`,
  };
}
