import {
  LOCAL_SECRETS,
  PAYMENT_PROVIDER,
  PAYMENT_PROVIDER_CONTROL_PORT,
  serviceUrl,
} from '../../../infra/src/services.ts';
import type { BenchSection } from '../report.ts';
import {
  payOrder,
  paymentConfig,
  placeAwaitingOrders,
  productOnSale,
  registerShoppers,
  signInAdmin,
  sleep,
  tokenizeTestCard,
  waitForStatus,
} from '../shop.ts';
import { median, percentile } from '../stats.ts';

/**
 * From the provider's webhook to the order's PAID status: shoppers check out, then pay at a
 * fixed rate with the success test card through the router; the provider simulator decides and sends its
 * signed webhook; the payment service records the outcome and publishes it through its
 * outbox, Debezium and Kafka; the order worker moves the order to PAID. The interval is
 * measured between the webhook's send time (the provider's delivery log) and the PAID
 * entry of the order's history, both stamped on this machine's clock.
 */
const SHOPPERS = 8;
const ORDERS = 260;
/** Payments per second, sent on a fixed schedule whatever the answers' latency. */
const RATE = 10;
/** The first six seconds of payments, reported apart: the payment path's first use since the platform started. */
const WARMUP = 60;
/** Pause after placing the orders, so the checkouts' own aftermath (stock, search updates) has drained. */
const SETTLE_MS = 5000;
const PROVIDER = serviceUrl(PAYMENT_PROVIDER);
/** Inspection endpoints (the webhook log) listen apart, on loopback, behind their own key. */
const PROVIDER_CONTROL = `http://127.0.0.1:${PAYMENT_PROVIDER_CONTROL_PORT}`;

async function providerGet<T>(path: string): Promise<T> {
  // This process started the platform, so its LOCAL_SECRETS are the running ones.
  const control = path.startsWith('/_control/');
  const key = control ? LOCAL_SECRETS.provider.controlKey : LOCAL_SECRETS.provider.secretKey;
  const response = await fetch(`${control ? PROVIDER_CONTROL : PROVIDER}${path}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return (await response.json()) as T;
}

export async function paymentScenario(): Promise<BenchSection> {
  const admin = await signInAdmin();
  const productId = await productOnSale(admin, 'Bench Camera', '249.00', 1_000_000);
  const shoppers = await registerShoppers(SHOPPERS, 'payer');
  const card = await paymentConfig();

  // Untimed: orders awaiting payment, placed by shoppers in a closed loop.
  const { orders: awaiting, result: prepared } = await placeAwaitingOrders(shoppers, productId, ORDERS, SHOPPERS);

  // Timed: payments at a fixed rate (open loop), each tokenized first as a browser would.
  const paid: { token: string; orderId: string; index: number }[] = [];
  const payLatencies: number[] = [];
  const failures: string[] = [];
  const pay = async ({ token, orderId }: { token: string; orderId: string }, index: number): Promise<void> => {
    const cardToken = await tokenizeTestCard(card);
    const begin = performance.now();
    const refused = await payOrder({ token, orderId }, cardToken);
    payLatencies.push(performance.now() - begin);
    if (refused !== undefined) failures.push(refused);
    else paid.push({ token, orderId, index });
  };
  await sleep(SETTLE_MS);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (const [i, order] of awaiting.entries()) {
    const due = start + (i * 1000) / RATE;
    await sleep(Math.max(0, due - performance.now()));
    inFlight.push(pay(order, i).catch((error: unknown) => void failures.push(String(error))));
  }
  await Promise.all(inFlight);

  const { data: attempts } = await providerGet<{
    data: { objectId: string | null; statusCode: number | null; sentAt: string }[];
  }>('/_control/webhooks');
  const delivered = new Map<string, number>();
  for (const attempt of attempts) {
    if (attempt.objectId && attempt.statusCode === 200 && !delivered.has(attempt.objectId)) {
      delivered.set(attempt.objectId, Date.parse(attempt.sentAt));
    }
  }
  const webhookToPaid: number[] = [];
  const warmupToPaid: number[] = [];
  for (const { token, orderId, index } of paid) {
    const order = await waitForStatus(token, orderId, 'PAID');
    const paidAt = Date.parse(order.statusHistory.find((change) => change.status === 'PAID')?.at ?? '');
    const { data: intents } = await providerGet<{ data: { id: string }[] }>(`/v1/payment_intents?order_id=${orderId}`);
    const sentAt = delivered.get(intents[0]?.id ?? '');
    if (sentAt !== undefined && Number.isFinite(paidAt)) {
      (index < WARMUP ? warmupToPaid : webhookToPaid).push(paidAt - sentAt);
    }
  }
  const ms = (values: number[], q: number) => `${(q === 50 ? median(values) : percentile(values, q)).toFixed(0)} ms`;
  return {
    id: 'payment',
    title: 'Payment: from the provider’s webhook to PAID',
    body: `
${SHOPPERS} shoppers first place ${ORDERS} orders (untimed), and the platform is left ${SETTLE_MS / 1000} s to
drain what the checkouts set off; then the orders are paid with the
success test card through the router at a fixed ${RATE} payments/s (each card tokenized at the
provider simulator first). The provider decides about 200 ms later
and sends its signed webhook; the interval below runs from the webhook's send time to the
PAID entry in the order's history: signature check and outcome in the payment database,
outbox → Debezium → Kafka → order worker → PAID. The first ${WARMUP} payments (${WARMUP / RATE} s) are
reported on a row of their own. The platform was just started and this is the first use of its
payment path: for some seconds every hop is slow at once (payOrder itself, the outbox to Kafka,
Kafka to the order worker) while the processes' payment code warms up; the pause after the
checkouts does not change that.

| measure | p50 | p99 | samples |
| --- | --- | --- | --- |
| webhook sent → order PAID (after the warm-up) | ${ms(webhookToPaid, 50)} | ${ms(webhookToPaid, 99)} | ${webhookToPaid.length} |
| webhook sent → order PAID, the first ${WARMUP} payments | ${ms(warmupToPaid, 50)} | ${ms(warmupToPaid, 99)} | ${warmupToPaid.length} |
| payOrder through the router | ${ms(payLatencies, 50)} | ${ms(payLatencies, 99)} | ${payLatencies.length} |

Orders that could not be placed: ${prepared.errors}${prepared.firstError ? ` (${prepared.firstError})` : ''}; payments refused: ${failures.length}${failures[0] ? ` (${failures[0]})` : ''}.
`,
  };
}
