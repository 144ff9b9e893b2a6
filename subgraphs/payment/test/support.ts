/**
 * Shared by the payment integration tests: a scratch payment database, the provider
 * simulator started in-process (a third party, so the one thing not ours), the webhook
 * route on a port of its own for the simulator to deliver to, and order events as the
 * order service publishes them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller } from '@emporium/auth';
import type { MikroORM } from '@emporium/db';
import type { DomainEvent, OrderStatus } from '@emporium/contracts';
import { createLogger } from '@emporium/logging';
import { createScratchOrm, type ScratchOrm } from '@emporium/testing/database';
import { orderPlacedEvent, orderStatusChangedEvent } from '@emporium/testing/events';
import { createProviderServer, type ProviderServer } from '@emporium/payment-provider';
import { createPayableOrdersHandler } from '../src/events/consumers/payable-orders.consumer.ts';
import { contextFactory, type PaymentContext } from '../src/context.ts';
import { entities } from '../src/entities/index.ts';
import { migrations } from '../src/migrations/index.ts';
import { providerWebhookRoute, WEBHOOK_PATH } from '../src/routes/provider-webhook.route.ts';
import { paymentConfigView } from '../src/services/payment-view.ts';
import { PaymentService } from '../src/services/payment.service.ts';
import { ProviderClient } from '../src/services/provider-client.ts';

export const silent = createLogger('test', { level: 'silent' });
export const KEYS = {
  publishableKey: 'pk_test_payment_tests',
  secretKey: 'sk_test_payment_tests',
  webhookSecret: 'whsec_payment_tests',
  controlKey: 'control_payment_tests',
};

export type TestDatabase = ScratchOrm;

export const createTestDatabase = (): Promise<TestDatabase> => createScratchOrm('payment', { entities, migrations });

/** The webhook route alone on a local server, as the payment subgraph serves it. */
export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookServer(orm: MikroORM, nowSeconds?: () => number): Promise<WebhookServer> {
  const route = providerWebhookRoute({
    orm,
    webhookSecret: KEYS.webhookSecret,
    logger: silent,
    ...(nowSeconds ? { nowSeconds } : {}),
  });
  const server: Server = createServer((req, res) => {
    Promise.resolve(route(req, res))
      .then((handled) => {
        if (!handled) res.writeHead(404).end();
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** The provider simulator, delivering webhooks to `webhookUrl`, with fast outcomes and retries. */
export async function startProvider(webhookUrl: string): Promise<ProviderServer> {
  const provider = createProviderServer({
    ...KEYS,
    webhookUrl,
    outcomeDelayMs: 100,
    slowCardDelayMs: 500,
    webhookRetryDelaysMs: [100, 200],
    timeoutHoldMs: 5000,
  });
  await provider.listen(0);
  await provider.listenControl(0);
  return provider;
}

export const providerClient = (baseUrl: string, timeoutMs = 500): ProviderClient =>
  new ProviderClient({ baseUrl, secretKey: KEYS.secretKey, timeoutMs, logger: silent });

async function providerCall(url: string, init: RequestInit & { key?: string } = {}): Promise<unknown> {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? KEYS.secretKey}`, 'content-type': 'application/json' },
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** What a client does before payOrder: the card goes to the provider, the token comes back. */
export async function tokenize(providerUrl: string, number: string, cvc = '123'): Promise<string> {
  const body = (await providerCall(`${providerUrl}/v1/tokens`, {
    method: 'POST',
    key: KEYS.publishableKey,
    body: JSON.stringify({ card: { number, expMonth: 12, expYear: 2030, cvc } }),
  })) as { id: string };
  return body.id;
}

export async function setFaults(provider: ProviderServer, faults: Record<string, unknown> | null): Promise<void> {
  await providerCall(`${provider.controlUrl}/_control/faults`, {
    method: faults ? 'POST' : 'DELETE',
    key: KEYS.controlKey,
    ...(faults ? { body: JSON.stringify(faults) } : {}),
  });
}

export async function intentAt(providerUrl: string, intentId: string) {
  return (await providerCall(`${providerUrl}/v1/payment_intents/${intentId}`)) as {
    id: string;
    status: 'processing' | 'succeeded' | 'failed';
    amount: number;
    currency: string;
    metadata: Record<string, string>;
    failure_code: string | null;
    failure_message: string | null;
    refunded: boolean;
  };
}

/** A request context as the subgraph server builds it, for `caller`. */
export function contextFor(orm: MikroORM, providerUrl: string, caller: Caller | null): PaymentContext {
  return contextFactory({
    orm,
    payments: new PaymentService({ provider: providerClient(providerUrl), logger: silent, readModelWaitMs: 200 }),
    paymentConfig: paymentConfigView({ publicUrl: providerUrl, publishableKey: KEYS.publishableKey }),
  })({ caller, requestId: 'test' });
}

export const shopper = (userId: string = randomUUID()): Caller => ({ userId, roles: ['SHOPPER'] });

export const orderPlaced = (orderId: string, userId: string, totalMinor: number): DomainEvent =>
  orderPlacedEvent({ orderId, userId, lines: [{ productId: randomUUID(), quantity: 1, unitAmountMinor: totalMinor }] });

export const orderStatusChanged = (
  orderId: string,
  userId: string,
  sequence: number,
  status: OrderStatus,
  previousStatus: OrderStatus | null = null,
): DomainEvent => orderStatusChangedEvent({ orderId, userId, sequence, status, previousStatus });

/** The order service's events for an order of `userId` that reached `status` (through AWAITING_PAYMENT). */
export async function placeOrder(
  handle: ReturnType<typeof createPayableOrdersHandler>,
  userId: string,
  status: OrderStatus = 'AWAITING_PAYMENT',
  totalMinor = 2198,
): Promise<string> {
  const orderId = randomUUID();
  await handle(orderPlaced(orderId, userId, totalMinor));
  await handle(orderStatusChanged(orderId, userId, 1, 'PENDING'));
  const path: OrderStatus[] = status === 'REJECTED' ? ['REJECTED'] : ['AWAITING_PAYMENT'];
  if (status !== 'AWAITING_PAYMENT' && status !== 'REJECTED' && status !== 'PENDING') path.push(status);
  let sequence = 1;
  if (status !== 'PENDING') {
    for (const next of path) {
      sequence += 1;
      await handle(orderStatusChanged(orderId, userId, sequence, next));
    }
  }
  return orderId;
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(50);
  }
}
