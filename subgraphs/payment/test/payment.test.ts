import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Caller } from '@emporium/auth';
import { validatePayload, type EventType } from '@emporium/contracts';
import type { ProviderServer } from '@emporium/payment-provider';
import { createPayableOrdersHandler } from '../src/events/consumers/payable-orders.consumer.ts';
import { reconcilePayments } from '../src/jobs/payment-reconciliation.job.ts';
import { buildSchema } from '../src/schema.ts';
import { queueOwedRefunds, refundLatePayments } from '../src/services/refund.service.ts';
import { signWebhook } from '../src/services/webhook-signature.ts';
import {
  KEYS,
  contextFor,
  createTestDatabase,
  intentAt,
  orderPlaced,
  orderStatusChanged,
  placeOrder,
  providerClient,
  setFaults,
  shopper,
  silent,
  startProvider,
  startWebhookServer,
  tokenize,
  waitFor,
  type TestDatabase,
  type WebhookServer,
} from './support.ts';

/**
 * payOrder, the provider's webhooks, reconciliation and refunds on a scratch database,
 * through the executable schema, against the provider simulator started in-process.
 */
let db: TestDatabase;
let webhooks: WebhookServer;
let provider: ProviderServer;
let handle: ReturnType<typeof createPayableOrdersHandler>;
const schema = buildSchema();
const CARD_OK = '4242424242424242';
const CARD_DECLINED = '4000000000000002';
const CARD_WEBHOOK_LOST = '4000000000000259';

beforeAll(async () => {
  db = await createTestDatabase();
  webhooks = await startWebhookServer(db.orm);
  provider = await startProvider(webhooks.url);
  handle = createPayableOrdersHandler({ orm: db.orm, provider: providerClient(provider.url), logger: silent });
});

afterEach(async () => {
  await setFaults(provider, null);
});

afterAll(async () => {
  await provider.stop();
  await webhooks.close();
  await db.close();
});

const PAY = parse(`
  mutation PayOrder($input: PayOrderInput!) {
    payOrder(input: $input) {
      payment { id status failureReason amount { amount currencyCode } paymentType createdAt }
      order { id }
      userErrors { code field message }
    }
  }
`);
const ORDER_PAYMENT = parse(`
  query OrderPayment($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Order { id payment { id status failureReason } } }
  }
`);
const CONFIG = parse('{ paymentConfig { provider publishableKey tokenizationUrl supportedPaymentTypes } }');

interface PaymentData {
  id: string;
  status: string;
  failureReason: string | null;
  amount: { amount: string; currencyCode: string };
  paymentType: string;
}
interface PayPayload {
  payment: PaymentData | null;
  order: { id: string } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function run(
  document: DocumentNode,
  caller: Caller | null,
  variables: Record<string, unknown> = {},
  providerUrl = provider.url,
): Promise<ExecutionResult<Record<string, unknown>>> {
  return execute({
    schema,
    document,
    variableValues: variables,
    contextValue: contextFor(db.orm, providerUrl, caller),
  });
}

async function pay(caller: Caller, input: Record<string, unknown>, providerUrl?: string): Promise<PayPayload> {
  const result = await run(
    PAY,
    caller,
    { input: { idempotencyKey: randomUUID(), paymentType: 'CARD', paymentMode: 'ONLINE', ...input } },
    providerUrl,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.['payOrder'] as PayPayload;
}

/** In the order Debezium publishes them: commit order, then insertion order within a transaction (ctid). */
async function outbox(orderId: string): Promise<{ type: EventType; payload: Record<string, unknown> }[]> {
  return db.orm.em
    .fork()
    .execute(`select type, payload from outbox where aggregateid = ? order by created_at, ctid`, [orderId]);
}

const types = async (orderId: string): Promise<string[]> => (await outbox(orderId)).map((event) => event.type);

async function paymentRow(id: string) {
  const [row] = await db.orm.em
    .fork()
    .execute<{ status: string; failure_reason: string | null; provider_intent_id: string | null }[]>(
      'select status, failure_reason, provider_intent_id from payments where id = ?',
      [id],
    );
  if (!row) throw new Error(`no payment ${id}`);
  return row;
}

const settled = (id: string, status: string) =>
  waitFor(async () => ((await paymentRow(id)).status === status ? true : undefined));

/** A PROCESSING payment of a fresh order, with the simulator's webhooks held back. */
async function processingPayment(card = CARD_OK) {
  await setFaults(provider, { webhooksPaused: true });
  const caller = shopper();
  const orderId = await placeOrder(handle, caller.userId);
  const payload = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, card) });
  expect(payload.userErrors).toEqual([]);
  const paymentId = payload.payment?.id ?? '';
  const intentId = (await paymentRow(paymentId)).provider_intent_id ?? '';
  return { caller, orderId, paymentId, intentId };
}

describe('paymentConfig', () => {
  it('tells clients where and with which key to tokenize, without signing in', async () => {
    const result = await run(CONFIG, null);
    expect(result.data?.['paymentConfig']).toEqual({
      provider: 'emporium-pay',
      publishableKey: KEYS.publishableKey,
      tokenizationUrl: `${provider.url}/v1/tokens`,
      supportedPaymentTypes: ['CARD', 'UPI'],
    });
  });
});

describe('payOrder', () => {
  it('submits the payment, publishes PaymentSubmitted exactly once even when replayed, then applies the webhook', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId, 'AWAITING_PAYMENT', 2198);
    const token = await tokenize(provider.url, CARD_OK);
    const input = { orderId, paymentMethodToken: token, idempotencyKey: 'pay-1' };
    const first = await pay(caller, input);
    expect(first.userErrors).toEqual([]);
    expect(first.order).toEqual({ id: orderId });
    expect(first.payment).toMatchObject({
      status: 'PROCESSING',
      failureReason: null,
      amount: { amount: '21.98', currencyCode: 'USD' },
      paymentType: 'CARD',
    });
    const again = await pay(caller, input);
    expect(again.payment?.id).toBe(first.payment?.id);
    expect(again.userErrors).toEqual([]);

    await settled(first.payment?.id ?? '', 'SUCCEEDED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
    for (const event of await outbox(orderId)) expect(() => validatePayload(event.type, event.payload)).not.toThrow();
    expect((await outbox(orderId))[0]?.payload).toMatchObject({
      orderId,
      paymentId: first.payment?.id,
      amount: { amountMinor: 2198, currencyCode: 'USD' },
    });
    // A replay after the outcome answers the outcome and still charges once.
    const late = await pay(caller, input);
    expect(late.payment).toMatchObject({ id: first.payment?.id, status: 'SUCCEEDED' });
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);

    const entities = await run(ORDER_PAYMENT, caller, { representations: [{ __typename: 'Order', id: orderId }] });
    expect(entities.data?.['_entities']).toEqual([
      { id: orderId, payment: { id: first.payment?.id, status: 'SUCCEEDED', failureReason: null } },
    ]);
    const stranger = await run(ORDER_PAYMENT, shopper(), { representations: [{ __typename: 'Order', id: orderId }] });
    expect(stranger.data?.['_entities']).toEqual([{ id: orderId, payment: null }]);
    const admin = await run(
      ORDER_PAYMENT,
      { userId: randomUUID(), roles: ['ADMIN'] },
      { representations: [{ __typename: 'Order', id: orderId }] },
    );
    expect(admin.data?.['_entities']).toEqual([
      { id: orderId, payment: { id: first.payment?.id, status: 'SUCCEEDED', failureReason: null } },
    ]);
  });

  it('charges once when the same payOrder arrives twice at the same time', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const input = { orderId, idempotencyKey: 'twice', paymentMethodToken: await tokenize(provider.url, CARD_OK) };
    const [first, second] = await Promise.all([pay(caller, input), pay(caller, input)]);
    expect(first.userErrors).toEqual([]);
    expect(second.userErrors).toEqual([]);
    expect(second.payment?.id).toBe(first.payment?.id);
    await settled(first.payment?.id ?? '', 'SUCCEEDED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
  });

  it('pays by UPI, and records a decline with its reason and PaymentFailed', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const payload = await pay(caller, { orderId, paymentType: 'UPI', upiVpa: 'failure@upi' });
    expect(payload.payment).toMatchObject({ status: 'PROCESSING', paymentType: 'UPI' });
    await settled(payload.payment?.id ?? '', 'FAILED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentFailed']);
    expect((await outbox(orderId))[1]?.payload).toMatchObject({ reason: 'upi_declined' });

    // The order service declined it too (PAYMENT_FAILED): paying again with another card works.
    await handle(orderStatusChanged(orderId, caller.userId, 3, 'PAYMENT_PROCESSING'));
    await handle(orderStatusChanged(orderId, caller.userId, 4, 'PAYMENT_FAILED'));
    const declined = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_DECLINED) });
    await settled(declined.payment?.id ?? '', 'FAILED');
    expect((await paymentRow(declined.payment?.id ?? '')).failure_reason).toBe('card_declined');
  });

  it('lets a shopper pay again when the decline reached payment before the order status did', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const declined = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_DECLINED) });
    await handle(orderStatusChanged(orderId, caller.userId, 3, 'PAYMENT_PROCESSING'));
    await settled(declined.payment?.id ?? '', 'FAILED');
    const retry = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    expect(retry.userErrors).toEqual([]);
    expect(retry.payment?.status).toBe('PROCESSING');
  });

  it('refuses a key reused for a different request', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    await pay(caller, { orderId, idempotencyKey: 'reused', paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    const payload = await pay(caller, {
      orderId,
      idempotencyKey: 'reused',
      paymentMethodToken: await tokenize(provider.url, CARD_OK),
    });
    expect(payload).toMatchObject({
      payment: null,
      userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }],
    });
    expect(await types(orderId)).toContain('PaymentSubmitted');
  });

  it("answers ORDER_NOT_FOUND for someone else's order, an unknown one and a malformed id", async () => {
    const owner = shopper();
    const orderId = await placeOrder(handle, owner.userId);
    const token = await tokenize(provider.url, CARD_OK);
    for (const id of [orderId, randomUUID(), 'not-an-id']) {
      const payload = await pay(shopper(), { orderId: id, paymentMethodToken: token });
      expect(payload).toEqual({
        payment: null,
        order: null,
        userErrors: [expect.objectContaining({ code: 'ORDER_NOT_FOUND', field: ['input', 'orderId'] })],
      });
    }
    expect(await types(orderId)).toEqual([]);
    // The token was never sent to the provider: the owner can still use it.
    expect((await pay(owner, { orderId, paymentMethodToken: token })).userErrors).toEqual([]);
  });

  it.each(['PAID', 'EXPIRED', 'REJECTED', 'CANCELLED', 'PENDING'] as const)(
    'answers ORDER_NOT_PAYABLE for a %s order',
    async (status) => {
      const caller = shopper();
      const orderId = await placeOrder(handle, caller.userId, status);
      const payload = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
      expect(payload).toMatchObject({
        payment: null,
        order: { id: orderId },
        userErrors: [{ code: 'ORDER_NOT_PAYABLE' }],
      });
      expect(await types(orderId)).toEqual([]);
    },
  );

  it('answers ORDER_NOT_PAYABLE once the reservation has lapsed, before the order service says EXPIRED', async () => {
    const caller = shopper();
    const orderId = randomUUID();
    const placed = orderPlaced(orderId, caller.userId, 2198);
    if (placed.type !== 'OrderPlaced') throw new Error('expected OrderPlaced');
    await handle({
      ...placed,
      payload: { ...placed.payload, reservationExpiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    await handle(orderStatusChanged(orderId, caller.userId, 1, 'PENDING'));
    await handle(orderStatusChanged(orderId, caller.userId, 2, 'AWAITING_PAYMENT', 'PENDING'));
    const payload = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'ORDER_NOT_PAYABLE' })]);
    expect(await types(orderId)).toEqual([]);
  });

  it('answers ORDER_NOT_PAYABLE while a payment of the order is under way', async () => {
    const { caller, orderId } = await processingPayment();
    const payload = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'ORDER_NOT_PAYABLE' })]);
    expect(await types(orderId)).toEqual(['PaymentSubmitted']);
  });

  it('answers PAYMENT_METHOD_INVALID for a used or unknown token, and the order stays payable', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const other = await placeOrder(handle, caller.userId);
    const token = await tokenize(provider.url, CARD_OK);
    expect((await pay(caller, { orderId: other, paymentMethodToken: token })).userErrors).toEqual([]);
    const used = await pay(caller, { orderId, paymentMethodToken: token, idempotencyKey: 'used' });
    expect(used.userErrors).toEqual([
      expect.objectContaining({ code: 'PAYMENT_METHOD_INVALID', field: ['input', 'paymentMethodToken'] }),
    ]);
    expect(used.payment).toMatchObject({ status: 'FAILED', failureReason: 'token_already_used' });
    // The same request again gets the same answer.
    const replay = await pay(caller, { orderId, paymentMethodToken: token, idempotencyKey: 'used' });
    expect(replay.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_METHOD_INVALID' })]);
    const unknown = await pay(caller, { orderId, paymentMethodToken: 'tok_unknown' });
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_METHOD_INVALID' })]);
    expect(unknown.payment?.failureReason).toBe('invalid_token');
    const vpa = await pay(caller, { orderId, paymentType: 'UPI', upiVpa: 'not a vpa' });
    expect(vpa.userErrors).toEqual([
      expect.objectContaining({ code: 'PAYMENT_METHOD_INVALID', field: ['input', 'upiVpa'] }),
    ]);
    expect(await types(orderId)).toEqual([]);
    const fresh = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    expect(fresh.userErrors).toEqual([]);
  });

  it('answers PAYMENT_METHOD_INVALID for a card without token, UPI without VPA, or both', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'paymentMethodToken'],
      [{ paymentMethodToken: '' }, 'paymentMethodToken'],
      [{ paymentMethodToken: 'tok_x', upiVpa: 'a@upi' }, 'upiVpa'],
      [{ paymentType: 'UPI' }, 'upiVpa'],
      [{ paymentType: 'UPI', upiVpa: 'a@upi', paymentMethodToken: 'tok_x' }, 'paymentMethodToken'],
    ];
    for (const [input, field] of cases) {
      const payload = await pay(caller, { orderId, ...input });
      expect(payload).toEqual({
        payment: null,
        order: null,
        userErrors: [expect.objectContaining({ code: 'PAYMENT_METHOD_INVALID', field: ['input', field] })],
      });
    }
  });

  it('rejects a malformed idempotency key and an anonymous caller', async () => {
    const input = {
      orderId: randomUUID(),
      idempotencyKey: '',
      paymentType: 'CARD',
      paymentMode: 'ONLINE',
      paymentMethodToken: 'tok_x',
    };
    const bad = await run(PAY, shopper(), { input });
    expect(bad.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    const long = await run(PAY, shopper(), { input: { ...input, idempotencyKey: 'k'.repeat(129) } });
    expect(long.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    const anonymous = await run(PAY, null, { input: { ...input, idempotencyKey: 'k' } });
    expect(anonymous.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
  });

  it('answers PAYMENT_PROVIDER_UNAVAILABLE within 2 s when the provider fails, and a retry works once it is back', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const token = await tokenize(provider.url, CARD_OK);
    await setFaults(provider, { errorRate: 1 });
    const started = Date.now();
    const down = await pay(caller, { orderId, paymentMethodToken: token, idempotencyKey: 'down' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' })]);
    expect(down.payment).toMatchObject({ status: 'FAILED', failureReason: 'provider_unavailable' });
    expect(down.order).toEqual({ id: orderId });
    expect(await types(orderId)).toEqual([]);

    await setFaults(provider, null);
    const back = await pay(caller, { orderId, paymentMethodToken: token, idempotencyKey: 'down' });
    expect(back.userErrors).toEqual([]);
    expect(back.payment).toMatchObject({ id: down.payment?.id, status: 'PROCESSING' });
    await settled(back.payment?.id ?? '', 'SUCCEEDED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
  });

  it('answers PAYMENT_PROVIDER_UNAVAILABLE within 2 s when the provider hangs, and charges once on retry', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const token = await tokenize(provider.url, CARD_OK);
    await setFaults(provider, { timeoutRate: 1, webhooksPaused: true });
    const started = Date.now();
    const down = await pay(caller, { orderId, paymentMethodToken: token, idempotencyKey: 'hang' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' })]);
    expect(await types(orderId)).toEqual([]);
    await setFaults(provider, { timeoutRate: 0 });
    // The provider did take the withheld requests; the retry's Idempotency-Key finds that one intent.
    const back = await pay(caller, { orderId, paymentMethodToken: token, idempotencyKey: 'hang' });
    expect(back.userErrors).toEqual([]);
    expect(back.payment).toMatchObject({ id: down.payment?.id, status: 'PROCESSING' });
    await setFaults(provider, { webhooksPaused: false });
    await settled(back.payment?.id ?? '', 'SUCCEEDED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
  });

  it('recognises a payment the provider took and settled while our call to it timed out', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    await setFaults(provider, { timeoutRate: 1 });
    // The webhook (found by the payment id in the intent's metadata) settles it before payOrder gives up.
    const payload = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    expect(payload.userErrors).toEqual([]);
    expect(payload.payment?.status).toBe('SUCCEEDED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
  });

  it('answers PAYMENT_PROVIDER_UNAVAILABLE within 2 s when nothing listens', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const started = Date.now();
    const down = await pay(caller, { orderId, paymentMethodToken: 'tok_x' }, 'http://127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' })]);
    const later = await pay(caller, { orderId, paymentMethodToken: await tokenize(provider.url, CARD_OK) });
    expect(later.userErrors).toEqual([]);
  });
});

describe('the provider webhook', () => {
  const event = (intent: unknown, type = 'payment_intent.succeeded', id = `evt_${randomUUID()}`) =>
    JSON.stringify({ id, type, created: Math.floor(Date.now() / 1000), data: { object: intent } });
  const deliver = (body: string, signature: string | null) =>
    fetch(webhooks.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'emporium-pay-signature': signature } : {}) },
      body,
    });
  const sign = (body: string, at = Math.floor(Date.now() / 1000)) => signWebhook(KEYS.webhookSecret, body, at);

  it('applies a signed event once; a replayed event id changes nothing', async () => {
    const { orderId, paymentId, intentId } = await processingPayment();
    const intent = await waitFor(async () => {
      const found = await intentAt(provider.url, intentId);
      return found.status === 'succeeded' ? found : undefined;
    });
    const body = event(intent);
    expect((await deliver(body, sign(body))).status).toBe(200);
    expect((await paymentRow(paymentId)).status).toBe('SUCCEEDED');
    expect((await deliver(body, sign(body))).status).toBe(200);
    // A different event with the same outcome finds the payment settled.
    const other = event(intent);
    expect((await deliver(other, sign(other))).status).toBe(200);
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
  });

  it('rejects a bad signature, a stale timestamp and a missing header with 400, changing nothing', async () => {
    const { orderId, paymentId, intentId } = await processingPayment();
    const intent = await waitFor(async () => {
      const found = await intentAt(provider.url, intentId);
      return found.status === 'succeeded' ? found : undefined;
    });
    const body = event(intent);
    const forged = signWebhook('whsec_someone_else', body, Math.floor(Date.now() / 1000));
    expect((await deliver(body, forged)).status).toBe(400);
    expect((await deliver(body, sign(body, Math.floor(Date.now() / 1000) - 301))).status).toBe(400);
    expect((await deliver(body, null)).status).toBe(400);
    expect((await deliver(`${body} `, sign(body))).status).toBe(400);
    expect((await paymentRow(paymentId)).status).toBe('PROCESSING');
    expect(await types(orderId)).toEqual(['PaymentSubmitted']);
    const [row] = await db.orm.em
      .fork()
      .execute<{ count: number }[]>('select count(*)::int as count from provider_events where id = ?', [
        (JSON.parse(body) as { id: string }).id,
      ]);
    expect(row?.count).toBe(0);
    // The genuine delivery still applies afterwards.
    expect((await deliver(body, sign(body))).status).toBe(200);
    expect((await paymentRow(paymentId)).status).toBe('SUCCEEDED');
  });

  it('refuses a body over 64 KiB', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
    expect((await deliver(body, sign(body))).status).toBe(413);
  });
});

describe('reconciliation', () => {
  it('finds a succeeded intent whose webhook was lost; the webhook arriving later changes nothing', async () => {
    await setFaults(provider, { webhooksPaused: false });
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const payload = await pay(caller, {
      orderId,
      paymentMethodToken: await tokenize(provider.url, CARD_WEBHOOK_LOST),
    });
    const paymentId = payload.payment?.id ?? '';
    const intentId = (await paymentRow(paymentId)).provider_intent_id ?? '';
    await waitFor(async () => ((await intentAt(provider.url, intentId)).status === 'succeeded' ? true : undefined));
    expect((await paymentRow(paymentId)).status).toBe('PROCESSING');

    const client = providerClient(provider.url);
    // Not yet due: reconciliation leaves young payments to their webhook.
    expect((await reconcilePayments(db.orm.em.fork(), client, silent, 3600)).has(paymentId)).toBe(false);
    const results = await reconcilePayments(db.orm.em.fork(), client, silent, 0);
    expect(results.get(paymentId)).toBe('succeeded');
    expect((await paymentRow(paymentId)).status).toBe('SUCCEEDED');
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);

    const again = await reconcilePayments(db.orm.em.fork(), client, silent, 0);
    expect(again.has(paymentId)).toBe(false);
    const late = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: await intentAt(provider.url, intentId) },
    });
    const response = await fetch(webhooks.url, {
      method: 'POST',
      headers: { 'emporium-pay-signature': signWebhook(KEYS.webhookSecret, late, Math.floor(Date.now() / 1000)) },
      body: late,
    });
    expect(response.status).toBe(200);
    expect(await types(orderId)).toEqual(['PaymentSubmitted', 'PaymentSucceeded']);
  });

  it('leaves a payment still processing at the provider as it is', async () => {
    const { paymentId } = await processingPayment();
    const results = await reconcilePayments(db.orm.em.fork(), providerClient(provider.url), silent, 0);
    expect(['still_processing', 'succeeded']).toContain(results.get(paymentId));
  });
});

/** The order's outbox holds one PaymentRefunded, last, for the whole captured amount. */
async function expectOneRefundEvent(orderId: string, paymentId: string): Promise<void> {
  const events = await outbox(orderId);
  const refunds = events.filter((event) => event.type === 'PaymentRefunded');
  expect(refunds).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('PaymentRefunded');
  const succeeded = events.find((event) => event.type === 'PaymentSucceeded');
  expect(refunds[0]?.payload).toMatchObject({ orderId, paymentId, amount: succeeded?.payload['amount'] });
}

describe('refunds', () => {
  it('refunds a success that arrived after the order expired', async () => {
    const { caller, orderId, paymentId, intentId } = await processingPayment();
    const client = providerClient(provider.url);
    // The order expired before the order service saw the submission (a race the saga allows).
    await handle(orderStatusChanged(orderId, caller.userId, 3, 'EXPIRED'));
    expect((await paymentRow(paymentId)).status).toBe('PROCESSING');
    await waitFor(async () => ((await intentAt(provider.url, intentId)).status === 'succeeded' ? true : undefined));
    await reconcilePayments(db.orm.em.fork(), client, silent, 0);
    expect((await paymentRow(paymentId)).status).toBe('SUCCEEDED');

    expect(await refundLatePayments(db.orm.em.fork(), client, silent)).toContain(paymentId);
    expect((await paymentRow(paymentId)).status).toBe('REFUNDED');
    expect((await intentAt(provider.url, intentId)).refunded).toBe(true);
    expect(await refundLatePayments(db.orm.em.fork(), client, silent, orderId)).toEqual([]);
    await expectOneRefundEvent(orderId, paymentId);
  });

  it('refunds at once when an order with a captured payment is cancelled', async () => {
    const { caller, orderId, paymentId, intentId } = await processingPayment();
    await waitFor(async () => ((await intentAt(provider.url, intentId)).status === 'succeeded' ? true : undefined));
    await reconcilePayments(db.orm.em.fork(), providerClient(provider.url), silent, 0);
    expect((await paymentRow(paymentId)).status).toBe('SUCCEEDED');
    await handle(orderStatusChanged(orderId, caller.userId, 3, 'CANCELLED'));
    expect((await paymentRow(paymentId)).status).toBe('REFUNDED');
    expect((await intentAt(provider.url, intentId)).refunded).toBe(true);
    // A redelivered cancellation and a later sweep refund nothing more and publish nothing more.
    await handle(orderStatusChanged(orderId, caller.userId, 3, 'CANCELLED'));
    expect(await refundLatePayments(db.orm.em.fork(), providerClient(provider.url), silent, orderId)).toEqual([]);
    await expectOneRefundEvent(orderId, paymentId);
  });

  it('keeps a refund the provider could not take queued, and the sweep refunds it once the provider is back', async () => {
    const { caller, orderId, paymentId, intentId } = await processingPayment();
    await waitFor(async () => ((await intentAt(provider.url, intentId)).status === 'succeeded' ? true : undefined));
    await reconcilePayments(db.orm.em.fork(), providerClient(provider.url), silent, 0);
    // The cancellation arrives while the provider cannot be reached: nothing is refunded yet.
    const unreachable = providerClient('http://127.0.0.1:9', 200);
    const handleUnreachable = createPayableOrdersHandler({ orm: db.orm, provider: unreachable, logger: silent });
    await handleUnreachable(orderStatusChanged(orderId, caller.userId, 3, 'CANCELLED'));
    expect((await paymentRow(paymentId)).status).toBe('SUCCEEDED');
    expect(await refundLatePayments(db.orm.em.fork(), unreachable, silent)).not.toContain(paymentId);

    // The reconciler's sweep, with the provider back, finds it owed and refunds it, once.
    expect(await refundLatePayments(db.orm.em.fork(), providerClient(provider.url), silent)).toContain(paymentId);
    expect((await paymentRow(paymentId)).status).toBe('REFUNDED');
    expect((await intentAt(provider.url, intentId)).refunded).toBe(true);
    expect(await refundLatePayments(db.orm.em.fork(), providerClient(provider.url), silent)).not.toContain(paymentId);
    await expectOneRefundEvent(orderId, paymentId);
  });

  it('queues a second capture of one order for refund, and never the first', async () => {
    const { orderId, paymentId: first } = await processingPayment();
    const second = randomUUID();
    const em = db.orm.em.fork();
    await em.execute(`update payments set status = 'SUCCEEDED' where id = ?`, [first]);
    // A later capture of the same order (the provider took a call we had given up on).
    await em.execute(
      `insert into payments (id, order_id, user_id, idempotency_key, request_fingerprint, payment_type,
         amount_minor, currency_code, status, provider_intent_id, created_at, updated_at)
       select ?, order_id, user_id, ?, request_fingerprint, payment_type, amount_minor, currency_code,
         'SUCCEEDED', ?, now(), now() + interval '1 second'
       from payments where id = ?`,
      [second, `second-${second}`, `pi_second_${second}`, first],
    );
    expect(await queueOwedRefunds(em, { paymentId: first })).toBe(0);
    expect(await queueOwedRefunds(em, { paymentId: second })).toBe(1);
    // Queued once, whichever event asks again.
    expect(await queueOwedRefunds(em, { orderId })).toBe(0);
    const queued = await em.execute<{ payment_id: string }[]>('select payment_id from refunds_due where order_id = ?', [
      orderId,
    ]);
    expect(queued.map((row) => row.payment_id)).toEqual([second]);
  });
});

describe('the order read model', () => {
  it('applies each event once and never moves back to an older status', async () => {
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const paid = orderStatusChanged(orderId, caller.userId, 4, 'PAID');
    await handle(paid);
    await handle(orderStatusChanged(orderId, caller.userId, 3, 'PAYMENT_PROCESSING'));
    await handle(paid);
    const [row] = await db.orm.em
      .fork()
      .execute<{ status: string; status_sequence: number }[]>(
        'select status, status_sequence from payable_orders where order_id = ?',
        [orderId],
      );
    expect(row).toEqual({ status: 'PAID', status_sequence: 4 });
  });
});

describe('card data', () => {
  it('is nowhere in the database: no card number, CVC or token in any table', async () => {
    const em = db.orm.em.fork();
    const caller = shopper();
    const orderId = await placeOrder(handle, caller.userId);
    const token = await tokenize(provider.url, CARD_OK);
    await pay(caller, { orderId, paymentMethodToken: token });
    const tables = await em.execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    expect(tables.map((table) => table.table_name)).toEqual(
      expect.arrayContaining(['payments', 'payable_orders', 'provider_events', 'outbox']),
    );
    for (const { table_name } of tables) {
      const rows = await em.execute<{ row: string }[]>(`select row_to_json(t)::text as row from "${table_name}" t`);
      for (const { row } of rows) {
        expect(row).not.toContain('4242424242424242');
        for (const field of ['cvc', 'expmonth', 'exp_month', 'card_number'])
          expect(row.toLowerCase()).not.toContain(field);
        expect(row).not.toContain(token);
      }
    }
  });
});
