/**
 * Shared by the order integration tests: a scratch order database, and a stand-in for the
 * cart service's checkout-snapshot endpoint (another service, so the only thing faked). The
 * stand-in checks the order service's assertion exactly as the cart service does and answers
 * the cart of the assertion's subject.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ORDER_SERVICE_ISSUER,
  ROUTER_ASSERTION_HEADER,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  generateAssertionKeyPair,
  verifyRouterAssertion,
  type Caller,
} from '@emporium/auth';
import type { MikroORM } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { CART_SERVICE_AUDIENCE, CART_SNAPSHOT_PATH, type CartSnapshotLine } from '@emporium/service-api';
import { createScratchOrm, type ScratchOrm } from '@emporium/testing/database';
import { contextFactory, type OrderContext } from '../src/context.ts';
import { entities } from '../src/entities/index.ts';
import { migrations } from '../src/migrations/index.ts';
import { CheckoutService } from '../src/services/checkout.service.ts';
import { OrderService } from '../src/services/order.service.ts';
import type { OrderEventSource } from '../src/subscriptions/order-events.hub.ts';
import { OrderStatusStreamService } from '../src/subscriptions/order-status-stream.ts';

const routerPair = generateAssertionKeyPair();
/** Signs as the router does; the subgraph under test checks with {@link ROUTER_KEY}. */
export const ROUTER_SIGNER = assertionSigningKey(ROUTER_ISSUER, routerPair.privateKey);
export const ROUTER_KEY = assertionVerificationKey(ROUTER_ISSUER, routerPair.publicKey);
const orderServicePair = generateAssertionKeyPair();
/** The order service's own key, which checkout signs its cart reads with. */
export const ORDER_SERVICE_SIGNER = assertionSigningKey(ORDER_SERVICE_ISSUER, orderServicePair.privateKey);
const ORDER_SERVICE_KEY = assertionVerificationKey(ORDER_SERVICE_ISSUER, orderServicePair.publicKey);
export const silent = createLogger('test', { level: 'silent' });

export type TestDatabase = ScratchOrm;

export const createTestDatabase = (onQuery?: (sql: string) => void): Promise<TestDatabase> =>
  createScratchOrm('order', { entities, migrations, ...(onQuery ? { onQuery } : {}) });

/** The cart service stand-in: `carts` maps a shopper to the lines its snapshot answers. */
export interface CartStub {
  url: string;
  /** Lines, or a function answering each request anew (as a cart changing between reads). */
  carts: Map<string, CartSnapshotLine[] | (() => CartSnapshotLine[])>;
  requests: number;
  close(): Promise<void>;
}

export async function startCartStub(): Promise<CartStub> {
  const carts: CartStub['carts'] = new Map();
  const stub: CartStub = { url: '', carts, requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    stub.requests += 1;
    const header = req.headers[ROUTER_ASSERTION_HEADER];
    if (req.method !== 'GET' || req.url !== CART_SNAPSHOT_PATH) {
      res.writeHead(404).end();
      return;
    }
    verifyRouterAssertion(ORDER_SERVICE_KEY, CART_SERVICE_AUDIENCE, Array.isArray(header) ? header[0] : header).then(
      ({ caller }) => {
        if (!caller) {
          res.writeHead(401).end();
          return;
        }
        const entry = carts.get(caller.userId) ?? [];
        const lines = typeof entry === 'function' ? entry() : entry;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ userId: caller.userId, lines }));
      },
      () => res.writeHead(401).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  return stub;
}

/** A source of live order events that never has any: for tests that do not subscribe. */
export const noLiveEvents: OrderEventSource = { listen: () => () => undefined };

/** A request context as the subgraph server builds it, for `caller`. */
export function contextFor(
  orm: MikroORM,
  cartServiceUrl: string,
  caller: Caller | null,
  reservationTtlSeconds = 900,
): OrderContext {
  return contextFactory({
    orm,
    checkout: new CheckoutService({
      cartServiceUrl,
      signingKey: ORDER_SERVICE_SIGNER,
      reservationTtlSeconds,
      maxUnpaidOrders: 5,
      logger: silent,
      cartTimeoutMs: 1000,
    }),
    orders: new OrderService(),
    orderStatusStreams: new OrderStatusStreamService({
      source: noLiveEvents,
      orders: new OrderService(),
      logger: silent,
    }),
  })({ caller, requestId: 'test' });
}

export const shopper = (userId: string): Caller => ({ userId, roles: ['SHOPPER'] });

/** A cart line as the snapshot reports it; each call is a line of its own, as a product added anew. */
export const line = (productId: string, quantity: number, amountMinor: number | null, currencyCode = 'USD') => ({
  lineId: randomUUID(),
  productId,
  quantity,
  unitPrice: amountMinor === null ? null : { amountMinor, currencyCode },
});
