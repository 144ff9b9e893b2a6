import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import type { Caller } from '@emporium/auth';
import { NotificationWatch } from '@emporium/db';
import type { ProviderServer } from '@emporium/payment-provider';
import { eventually } from '@emporium/testing';
import { createPayableOrdersHandler } from '../src/events/consumers/payable-orders.consumer.ts';
import { contextFactory } from '../src/context.ts';
import { buildSchema } from '../src/schema.ts';
import { paymentConfigView } from '../src/services/payment-view.ts';
import { PAYABLE_ORDERS_CHANNEL, PaymentService } from '../src/services/payment.service.ts';
import {
  KEYS,
  createTestDatabase,
  orderPlaced,
  orderStatusChanged,
  providerClient,
  shopper,
  silent,
  startProvider,
  startWebhookServer,
  tokenize,
  type TestDatabase,
  type WebhookServer,
} from './support.ts';

/**
 * payOrder for an order its read model has not caught up with: the shopper saw
 * AWAITING_PAYMENT from the order service a moment before the event reached this service.
 * The call waits for the read model's change (a NOTIFY from its table), not a poll.
 */
let db: TestDatabase;
let webhooks: WebhookServer;
let provider: ProviderServer;
let watch: NotificationWatch;
let handle: ReturnType<typeof createPayableOrdersHandler>;
const schema = buildSchema();
const PAY = parse(`mutation ($input: PayOrderInput!) {
  payOrder(input: $input) { payment { status } userErrors { code } } }`);

beforeAll(async () => {
  db = await createTestDatabase();
  webhooks = await startWebhookServer(db.orm);
  provider = await startProvider(webhooks.url);
  handle = createPayableOrdersHandler({ orm: db.orm, provider: providerClient(provider.url), logger: silent });
  watch = new NotificationWatch({ ...db.database, channel: PAYABLE_ORDERS_CHANNEL, logger: silent });
});

afterAll(async () => {
  await watch.close();
  await provider.stop();
  await webhooks.close();
  await db.close();
});

async function pay(caller: Caller, orderId: string, readModelWaitMs: number) {
  const payments = new PaymentService({
    provider: providerClient(provider.url),
    logger: silent,
    readModel: watch,
    readModelWaitMs,
  });
  const contextValue = contextFactory({
    orm: db.orm,
    payments,
    paymentConfig: paymentConfigView({ publicUrl: provider.url, publishableKey: KEYS.publishableKey }),
  })({ caller, requestId: 'test' });
  const input = {
    orderId,
    idempotencyKey: randomUUID(),
    paymentType: 'CARD',
    paymentMode: 'ONLINE',
    paymentMethodToken: await tokenize(provider.url, '4242424242424242'),
  };
  const result = await execute({ schema, document: PAY, variableValues: { input }, contextValue });
  expect(result.errors).toBeUndefined();
  return result.data?.['payOrder'] as { payment: { status: string } | null; userErrors: { code: string }[] };
}

describe('payOrder ahead of its read model', () => {
  it('answers once the event that makes the order payable has been applied', async () => {
    const caller = shopper();
    const orderId = randomUUID();
    let answered = false;
    const pending = pay(caller, orderId, 10_000).finally(() => {
      answered = true;
    });
    // The order's events arrive only once payOrder has looked and found nothing.
    await eventually(async () => (answered || watch.waiting > 0 ? true : undefined), { intervalMs: 5 });
    await handle(orderPlaced(orderId, caller.userId, 2198));
    await handle(orderStatusChanged(orderId, caller.userId, 1, 'PENDING'));
    expect(answered).toBe(false);
    await handle(orderStatusChanged(orderId, caller.userId, 2, 'AWAITING_PAYMENT', 'PENDING'));
    expect(await pending).toEqual({ payment: { status: 'PROCESSING' }, userErrors: [] });
  });

  it('answers ORDER_NOT_FOUND for an order that never arrives, after the bound', async () => {
    expect((await pay(shopper(), randomUUID(), 200)).userErrors).toEqual([{ code: 'ORDER_NOT_FOUND' }]);
  });

  it('answers ORDER_NOT_FOUND at once for someone else’s order', async () => {
    const owner = shopper();
    const orderId = randomUUID();
    await handle(orderPlaced(orderId, owner.userId, 2198));
    await handle(orderStatusChanged(orderId, owner.userId, 1, 'PENDING'));
    expect((await pay(shopper(), orderId, 60_000)).userErrors).toEqual([{ code: 'ORDER_NOT_FOUND' }]);
  });
});
