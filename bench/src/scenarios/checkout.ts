import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { cpuAboveIdle, cpuRates, cpuSeconds, untilQuiet } from '../cpu.ts';
import { runLoad } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import { graphql, productOnSale, registerShoppers, signInAdmin, sleep } from '../shop.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';

/**
 * The flash sale: 64 shoppers hammer one hot product. Each purchase is "add one to the cart,
 * then check out"; only the checkout is timed. Stock runs out part-way, so the run also
 * proves that reservations never exceed it: exactly STOCK orders end up holding stock and
 * the rest are rejected or refused at the cart.
 */
const SHOPPERS = 64;
const PURCHASES = 1500;
const STOCK = 1000;
/** Longest wait after the last checkout for the outbox, Debezium, Kafka and the consumers to catch up. */
const DRAIN_MAX_MS = 120_000;

interface UserError {
  code: string;
}

interface OrdersPage {
  myOrders: {
    edges: { node: { status: string; lines: { quantity: number }[] } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export async function checkoutScenario(platform: BenchPlatform): Promise<BenchSection> {
  const admin = await signInAdmin();
  const productId = await productOnSale(admin, 'Flash Sale Phone', '699.00', STOCK);
  const shoppers = await registerShoppers(SHOPPERS, 'flash');

  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  // What the platform uses doing nothing (consumers polling, heartbeats), so that it can be
  // told apart from what the purchases cost.
  const idle = await cpuRates(platform, 5000);
  const cpuBefore = cpuSeconds(platform);
  const started = performance.now();
  const result = await runLoad({
    concurrency: SHOPPERS,
    requests: PURCHASES,
    send: async (index) => {
      const token = shoppers[index % SHOPPERS] ?? '';
      // Untimed, as in a shop: the shopper puts the phone in the cart, then presses "buy".
      await graphql(
        'mutation ($input: AddToCartInput!) { addToCart(input: $input) { userErrors { code } } }',
        { input: { productId, quantity: 1 } },
        token,
      );
      const begin = performance.now();
      const { checkout } = await graphql<{ checkout: { order: { id: string } | null; userErrors: UserError[] } }>(
        'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }',
        { input: { idempotencyKey: randomUUID() } },
        token,
      );
      latencies.push(performance.now() - begin);
      const outcome = checkout.order ? 'order placed' : (checkout.userErrors[0]?.code ?? 'unknown');
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    },
  });
  const elapsedS = (performance.now() - started) / 1000;
  // The saga runs behind the answers: let it drain before reading the CPU it took.
  const drainS = await untilQuiet(platform, idle, DRAIN_MAX_MS);
  const cpu = cpuAboveIdle(cpuBefore, cpuSeconds(platform), idle, (performance.now() - started) / 1000);
  const cpuTotal = cpu.reduce((sum, [, seconds]) => sum + seconds, 0);
  const perPurchaseMs = (seconds: number) => ((seconds * 1000) / PURCHASES).toFixed(1);

  // Let the saga settle, then count what each order became.
  const statuses = new Map<string, number>();
  const units = new Map<string, number>();
  for (let attempt = 0; attempt < 120; attempt += 1) {
    statuses.clear();
    units.clear();
    for (const token of shoppers) {
      let after: string | null = null;
      for (;;) {
        const { myOrders }: OrdersPage = await graphql<OrdersPage>(
          'query ($after: String) { myOrders(first: 100, after: $after) { edges { node { status lines { quantity } } } pageInfo { hasNextPage endCursor } } }',
          { after },
          token,
        );
        for (const { node } of myOrders.edges) {
          statuses.set(node.status, (statuses.get(node.status) ?? 0) + 1);
          units.set(
            node.status,
            (units.get(node.status) ?? 0) + node.lines.reduce((sum, line) => sum + line.quantity, 0),
          );
        }
        if (!myOrders.pageInfo.hasNextPage) break;
        after = myOrders.pageInfo.endCursor;
      }
    }
    if (!statuses.has('PENDING')) break;
    await sleep(500);
  }
  const { product } = await graphql<{
    product: { inventory: { available: number; onHand: number; reserved: number } };
  }>('query ($id: ID!) { product(id: $id) { inventory { available onHand reserved } } }', { id: productId }, admin);
  // A shopper's cart can hold more than one unit (an order placed before the previous one
  // emptied the cart), so compare units, not orders.
  const holding = units.get('AWAITING_PAYMENT') ?? 0;
  const oversold = holding > STOCK || product.inventory.available < 0 || product.inventory.reserved !== holding;
  const table = (counts: Map<string, number>, extra?: Map<string, number>) =>
    [...counts.entries()]
      .sort()
      .map(([key, count]) => `| ${key} | ${count} |${extra ? ` ${extra.get(key) ?? 0} |` : ''}`)
      .join('\n');
  return {
    id: 'checkout',
    title: 'Checkout: a flash sale on one hot product',
    body: `
${SHOPPERS} shoppers, each signed in, buy one unit of the same product ${PURCHASES} times in
all (closed loop: add to cart, untimed; then Checkout, timed) through the router, with
${STOCK} units in stock. Checkout answers once the order is PENDING; reservation follows
through the outbox, Debezium, Kafka and the inventory consumer.

| checkout | value |
| --- | --- |
| p50 | ${median(latencies).toFixed(1)} ms |
| p99 | ${percentile(latencies, 99).toFixed(1)} ms |
| checkouts/s | ${(latencies.length / elapsedS).toFixed(0)} |
| failed requests | ${result.errors}${result.firstError ? ` (${result.firstError})` : ''} |

Checkout outcomes:

| outcome | count |
| --- | --- |
${table(outcomes)}

Orders once settled (stock ${STOCK}; reserved now ${product.inventory.reserved}, available ${product.inventory.available}):

| status | orders | units |
| --- | --- | --- |
${table(statuses, units)}

CPU per purchase (add to cart, checkout, and the saga each sets off: outbox, Debezium, Kafka,
the consumers, search's stock updates) by process, from the start of the load until the
platform was back to idle ${drainS.toFixed(0)} s after the last checkout, less what each process
uses when idle. The machine has ${cpus().length} cores, so this CPU alone bounds it at
**${((cpus().length * PURCHASES) / cpuTotal).toFixed(0)} purchases/s** with every core busy:

| process | CPU ms per purchase |
| --- | --- |
${cpu
  .filter(([, seconds]) => (seconds * 1000) / PURCHASES >= 0.5)
  .map(([part, seconds]) => `| ${part} | ${perPurchaseMs(seconds)} |`)
  .join('\n')}
| all | ${perPurchaseMs(cpuTotal)} |

Oversold: **${oversold ? 'YES' : 'no'}** (units held by orders ≤ stock, reserved = those units, available ≥ 0).
`,
  };
}
