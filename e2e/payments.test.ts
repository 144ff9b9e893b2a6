import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { SERVICE_DATABASES, serviceDatabaseUrl } from '@emporium/config';
import { eventually, stackEndpoints } from '@emporium/testing';
import { config } from '../infra/src/config.ts';
import { PAYMENT_PROVIDER, SUBGRAPHS, serviceUrl } from '../infra/src/services.ts';
import { contractOperation, gql, run } from './client.ts';
import {
  CARDS,
  addToCart,
  checkout,
  kafkaClient,
  newShopper,
  orderReaches,
  payOrder,
  productOnSale,
  readPaymentConfig,
  sagaConsumedPaymentEvents,
  stockOf,
  tokenize,
  type PaymentConfig,
} from './shop.ts';

/**
 * PaymentConfig and PayOrder from the contract, through the router, with cards tokenized at
 * the provider simulator as a browser would, outcomes arriving by signed webhook (or by
 * reconciliation when the webhook is lost), and the order moving with them.
 */
const PROVIDER_URL = serviceUrl(PAYMENT_PROVIDER);
const payment = SUBGRAPHS.find((subgraph) => subgraph.name === 'payment');
const WEBHOOK_URL = payment ? serviceUrl(payment, '/webhooks/provider') : '';
// This run's provider keys and control endpoint (fresh per run; see LOCAL_SECRETS).
const SECRETS = inject('platformSecrets');
const WEBHOOK_SECRET = SECRETS.webhookSecret;
const CONTROL_URL = inject('providerControlUrl');
const control = (method: string, body?: unknown): Promise<Response> =>
  fetch(`${CONTROL_URL}/_control/faults`, {
    method,
    headers: { authorization: `Bearer ${SECRETS.providerControlKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const ORDER_STATUS = contractOperation('OrderStatus');

interface OrderWithPayment {
  id: string;
  status: string;
  statusHistory: { status: string; reason: string | null }[];
  payment: { status: string; failureReason: string | null } | null;
}

let paymentConfig: PaymentConfig;

beforeAll(async () => {
  paymentConfig = await readPaymentConfig();
});

afterEach(async () => {
  await control('DELETE');
});

async function orderWithPayment(token: string, id: string): Promise<OrderWithPayment | null> {
  const result = await gql<{ order: OrderWithPayment | null }>(ORDER_STATUS, { id }, { token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data?.order ?? null;
}

async function paidStatus(token: string, id: string, status: string): Promise<OrderWithPayment> {
  return eventually(
    async () => {
      const current = await orderWithPayment(token, id);
      return current?.status === status ? current : undefined;
    },
    { what: `order ${id} to reach ${status}`, timeoutMs: 30_000 },
  );
}

/** A shopper with an order awaiting payment for `units` of a product of the test's own. */
async function awaitingPayment(units = 1, stock = 5): Promise<{ shopper: string; orderId: string; productId: string }> {
  const product = await productOnSale('59.90', stock);
  const shopper = await newShopper('payer');
  await addToCart(shopper, product.id, units);
  const orderId = (await checkout(shopper)).order?.id ?? '';
  await orderReaches(shopper, orderId, 'AWAITING_PAYMENT');
  return { shopper, orderId, productId: product.id };
}

describe('paymentConfig', () => {
  it('tells clients where to tokenize cards, with a publishable key only', () => {
    expect(paymentConfig.supportedPaymentTypes).toEqual(['CARD', 'UPI']);
    expect(paymentConfig.provider).not.toBe('');
    expect(paymentConfig.publishableKey).toMatch(/^pk_/);
    expect(paymentConfig.tokenizationUrl).toBe(`${PROVIDER_URL}/v1/tokens`);
  });
});

describe('payOrder', () => {
  it('pays with a good card: PAYMENT_PROCESSING, then PAID by webhook, and the stock is committed', async () => {
    const { shopper, orderId, productId } = await awaitingPayment(2);
    const paid = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
    expect(paid.userErrors).toEqual([]);
    expect(paid.payment).toMatchObject({ status: 'PROCESSING', failureReason: null });
    expect(paid.order?.id).toBe(orderId);
    const done = await paidStatus(shopper, orderId, 'PAID');
    expect(done.payment).toEqual({ status: 'SUCCEEDED', failureReason: null });
    expect(done.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAYMENT_PROCESSING',
      'PAID',
    ]);
    await eventually(async () => ((await stockOf(productId)).onHand === 3 ? true : undefined), {
      what: 'stock committed',
    });
    expect(await stockOf(productId)).toEqual({ available: 3, onHand: 3, reserved: 0 });
  });

  it('reports a declined card with its reason, then takes a good card', async () => {
    const { shopper, orderId } = await awaitingPayment();
    await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.declined) });
    const failed = await paidStatus(shopper, orderId, 'PAYMENT_FAILED');
    expect(failed.payment).toEqual({ status: 'FAILED', failureReason: 'card_declined' });
    expect(failed.statusHistory.at(-1)?.reason).toBe('card_declined');
    const retry = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
    expect(retry.userErrors).toEqual([]);
    await paidStatus(shopper, orderId, 'PAID');
  });

  it('pays by UPI, and reports insufficient funds as a reason', async () => {
    const upi = await awaitingPayment();
    await payOrder(upi.shopper, { orderId: upi.orderId, paymentType: 'UPI', upiVpa: 'success@upi' });
    await paidStatus(upi.shopper, upi.orderId, 'PAID');
    const poor = await awaitingPayment();
    await payOrder(poor.shopper, {
      orderId: poor.orderId,
      paymentMethodToken: await tokenize(CARDS.insufficientFunds),
    });
    expect((await paidStatus(poor.shopper, poor.orderId, 'PAYMENT_FAILED')).payment?.failureReason).toBe(
      'insufficient_funds',
    );
  });

  it('reaches PAID by reconciliation when the provider’s webhook is lost', async () => {
    const { shopper, orderId } = await awaitingPayment();
    await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.lostWebhook) });
    await paidStatus(shopper, orderId, 'PAID');
  });

  it('charges once when the same payOrder is replayed with its idempotency key', async () => {
    const { shopper, orderId } = await awaitingPayment();
    const input = { orderId, idempotencyKey: randomUUID(), paymentMethodToken: await tokenize(CARDS.success) };
    const [first, second] = await Promise.all([payOrder(shopper, input), payOrder(shopper, input)]);
    const third = await payOrder(shopper, input);
    expect(new Set([first.payment?.id, second.payment?.id, third.payment?.id]).size).toBe(1);
    await paidStatus(shopper, orderId, 'PAID');
    const intents = (await (
      await fetch(`${PROVIDER_URL}/v1/payment_intents?order_id=${orderId}`, {
        headers: { authorization: `Bearer ${SECRETS.providerSecretKey}` },
      })
    ).json()) as { data: unknown[] };
    expect(intents.data).toHaveLength(1);
  });

  it('refuses a used or unknown token, someone else’s order, and an order that is not payable', async () => {
    const { shopper, orderId } = await awaitingPayment();
    const token = await tokenize(CARDS.success);
    await payOrder(shopper, { orderId, paymentMethodToken: token });
    await paidStatus(shopper, orderId, 'PAID');

    const other = await awaitingPayment();
    const reused = await payOrder(other.shopper, { orderId: other.orderId, paymentMethodToken: token });
    expect(reused.userErrors.map((error) => error.code)).toEqual(['PAYMENT_METHOD_INVALID']);
    const unknown = await payOrder(other.shopper, { orderId: other.orderId, paymentMethodToken: 'tok_unknown' });
    expect(unknown.userErrors.map((error) => error.code)).toEqual(['PAYMENT_METHOD_INVALID']);
    expect((await orderWithPayment(other.shopper, other.orderId))?.status).toBe('AWAITING_PAYMENT');

    const stranger = await newShopper();
    const theirs = await payOrder(stranger, {
      orderId: other.orderId,
      paymentMethodToken: await tokenize(CARDS.success),
    });
    expect(theirs.userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_FOUND']);
    const paidAgain = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
    expect(paidAgain.userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_PAYABLE']);
    const anonymous = await run('PayOrder', {
      input: {
        orderId,
        idempotencyKey: randomUUID(),
        paymentType: 'CARD',
        paymentMode: 'ONLINE',
        paymentMethodToken: token,
      },
    });
    expect(anonymous.errors?.map((error) => error.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
  });

  it('answers PAYMENT_PROVIDER_UNAVAILABLE within 2 s when the provider fails, and the order stays payable', async () => {
    const { shopper, orderId } = await awaitingPayment();
    const token = await tokenize(CARDS.success);
    expect((await control('POST', { errorRate: 1 })).status).toBe(200);
    const started = Date.now();
    const down = await payOrder(shopper, { orderId, paymentMethodToken: token });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.userErrors.map((error) => error.code)).toEqual(['PAYMENT_PROVIDER_UNAVAILABLE']);
    expect((await orderWithPayment(shopper, orderId))?.status).toBe('AWAITING_PAYMENT');
    await control('DELETE');
    // The circuit breaker may still be open for a few seconds; the shopper simply tries again.
    const retried = await eventually(
      async () => {
        const result = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
        return result.userErrors.length === 0 ? result : undefined;
      },
      { what: 'the provider to take payments again', timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(retried.payment?.status).toBe('PROCESSING');
    await paidStatus(shopper, orderId, 'PAID');
  });
});

describe('provider webhooks', () => {
  const sign = (body: string, timestamp: number, secret = WEBHOOK_SECRET): string =>
    `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  const deliver = (body: string, signature: string) =>
    fetch(WEBHOOK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'emporium-pay-signature': signature },
      body,
    });

  it('refuses a forged signature and a stale timestamp, and ignores late or replayed events, changing nothing', async () => {
    const { shopper, orderId } = await awaitingPayment();
    const declined = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.declined) });
    const failed = await paidStatus(shopper, orderId, 'PAYMENT_FAILED');
    expect(declined.payment?.id).toBeDefined();

    // Find the provider's intent for the order, and forge its success.
    const intents = (await (
      await fetch(`${PROVIDER_URL}/v1/payment_intents?order_id=${orderId}`, {
        headers: { authorization: `Bearer ${SECRETS.providerSecretKey}` },
      })
    ).json()) as { data: { id: string }[] };
    const intent = { ...intents.data[0], status: 'succeeded', failure_code: null };
    const now = Math.floor(Date.now() / 1000);
    const forged = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment_intent.succeeded',
      created: now,
      data: { object: intent },
    });
    expect((await deliver(forged, sign(forged, now, 'whsec_wrong'))).status).toBe(400);
    expect((await deliver(forged, sign(forged, now - 3600))).status).toBe(400);
    expect((await deliver(forged, 't=1,v1=00')).status).toBe(400);
    // Correctly signed but late: the payment already failed, and a failed payment stays failed.
    expect((await deliver(forged, sign(forged, now))).status).toBe(200);
    expect((await deliver(forged, sign(forged, now))).status).toBe(200);
    // Another order paid after the webhooks is the marker: its events leave the payment outbox
    // after anything the webhooks might have written, so once it is PAID and the saga has passed
    // the payment topic's end, an order that did not move was never going to.
    await sagaConsumedPaymentEvents(async () => {
      const marker = await awaitingPayment();
      await payOrder(marker.shopper, { orderId: marker.orderId, paymentMethodToken: await tokenize(CARDS.success) });
      await paidStatus(marker.shopper, marker.orderId, 'PAID');
    });
    expect(await orderWithPayment(shopper, orderId)).toEqual(failed);
  });
});

describe('card data', () => {
  it('never reaches a database table, a log line or a Kafka message of the platform', async () => {
    const numbers = Object.values(CARDS);
    for (const service of SERVICE_DATABASES) {
      const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, service) });
      await client.connect();
      try {
        const tables = await client.query<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
        );
        for (const { table_name } of tables.rows) {
          const hits = await client.query(
            `select 1 from "${table_name}" t where ${numbers.map((_, i) => `t::text like $${i + 1}`).join(' or ')} limit 1`,
            numbers.map((number) => `%${number}%`),
          );
          expect(hits.rowCount, `${service}.${table_name}`).toBe(0);
        }
      } finally {
        await client.end();
      }
    }
    const logDir = join(config.stateDir, 'logs', 'e2e');
    for (const file of readdirSync(logDir).filter((name) => name !== 'payment-provider.log')) {
      const text = readFileSync(join(logDir, file), 'utf8');
      for (const number of numbers) expect(text.includes(number), `${file} holds a card number`).toBe(false);
    }
    // The topics payment data travels on: every domain event topic.
    const kafka = kafkaClient('e2e-card-scan');
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.endsWith('.events.v1'));
    let total = 0;
    for (const topic of topics) {
      for (const partition of await admin.fetchTopicOffsets(topic))
        total += Number(partition.high) - Number(partition.low);
    }
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `card-scan-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let scanned = 0;
    const leaks: string[] = [];
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        scanned += 1;
        const text = `${message.key?.toString() ?? ''} ${message.value?.toString() ?? ''}`;
        if (numbers.some((number) => text.includes(number))) leaks.push(topic);
      },
    });
    await eventually(async () => (scanned >= total ? true : undefined), {
      what: 'every event read',
      timeoutMs: 30_000,
    });
    await consumer.disconnect();
    expect(scanned).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  }, 60_000);
});
