import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { USER_TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER } from '@emporium/auth';
import { LOCAL_HOST } from '@emporium/config';
import { eventually } from '@emporium/testing';
import { serviceConnectionUrl } from '../infra/src/components/postgres.ts';
import { config } from '../infra/src/config.ts';
import { startServices, type RunningServices } from '../infra/src/supervisor.ts';
import { E2E_ENV } from './global-setup.ts';
import {
  RESUMABLE_STATUS,
  closeCode,
  connectAs,
  disconnectAll,
  orderFigures,
  routerFigures,
  sees,
  statuses,
  watch,
} from './live.ts';
import {
  addToCart,
  checkout,
  kafkaClient,
  newShopper,
  orderReaches,
  productOnSale,
  publishPaymentEvent,
} from './shop.ts';

/**
 * Two routers, each over its own order subgraph replica, as behind a load balancer: the
 * platform's router over the platform's order subgraph, and a second router started here
 * over a second order process. Each replica's events hub reads the order topic in a
 * consumer group of its own, so both deliver every change to their own subscribers. The
 * second router trusts a key of this test's own, so it can hand out tokens that expire in
 * seconds; it allows only two subscriptions per socket.
 */
const REPLICA_PORT = 4095;
const ROUTER_B_PORT = 4091;
const ROUTER_B_URL = `http://${LOCAL_HOST}:${ROUTER_B_PORT}/graphql`;
const REPLICA_BASE_URL = `http://${LOCAL_HOST}:${REPLICA_PORT}`;
const PER_SOCKET = 2;

let replicas: RunningServices | undefined;
let jwks: Server | undefined;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A token for the same user, roles and session as `token`, signed with this test's key, valid for `seconds`. */
async function tokenFor(token: string, seconds: number): Promise<string> {
  const claims = decodeJwt(token);
  return new SignJWT({ roles: claims['roles'], sid: claims['sid'] })
    .setProtectedHeader({ alg: USER_TOKEN_ALGORITHM, kid: 'e2e-replicas' })
    .setSubject(claims.sub ?? '')
    .setIssuer(USER_TOKEN_ISSUER)
    .setAudience(USER_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(signingKey);
}

beforeAll(async () => {
  const keys = await generateKeyPair(USER_TOKEN_ALGORITHM);
  signingKey = keys.privateKey;
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'e2e-replicas', alg: USER_TOKEN_ALGORITHM };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  jwks = server;
  await new Promise<void>((resolve) => server.listen(0, LOCAL_HOST, resolve));
  const jwksUrl = `http://${LOCAL_HOST}:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;

  replicas = await startServices(
    [
      [
        {
          name: 'order-replica',
          entry: 'subgraphs/order/src/index.ts',
          port: REPLICA_PORT,
          env: {
            ORDER_PORT: String(REPLICA_PORT),
            DATABASE_URL: serviceConnectionUrl('order'),
            ORDER_SERVICE_PRIVATE_KEY: inject('platformSecrets').orderServicePrivateKey,
          },
        },
      ],
      [
        {
          name: 'router-b',
          entry: 'router/src/index.ts',
          port: ROUTER_B_PORT,
          env: {
            ROUTER_PORT: String(ROUTER_B_PORT),
            SUBGRAPH_ORDER_URL: `${REPLICA_BASE_URL}/graphql`,
            IDENTITY_JWKS_URL: jwksUrl,
            MAX_SUBSCRIPTIONS_PER_CONNECTION: String(PER_SOCKET),
          },
        },
      ],
    ],
    {
      env: {
        ...E2E_ENV,
        ROUTER_PUBLIC_KEY: inject('platformSecrets').routerPublicKey,
        ROUTER_PRIVATE_KEY: inject('platformSecrets').routerPrivateKey,
      },
      logDir: join(config.stateDir, 'logs', 'e2e'),
    },
  );
});

afterEach(disconnectAll);

afterAll(async () => {
  await replicas?.stop();
  jwks?.close();
});

/** A shopper's order, placed and reserved, ready to be paid. */
async function awaitingPayment(): Promise<{ token: string; orderId: string }> {
  const product = await productOnSale('31.50', 10);
  const token = await newShopper('watcher');
  await addToCart(token, product.id, 1);
  const placed = await checkout(token);
  const orderId = placed.order?.id ?? '';
  await orderReaches(token, orderId, 'AWAITING_PAYMENT');
  return { token, orderId };
}

/** Payment outcomes as the payment service publishes them, so this file needs no provider. */
async function paid(orderId: string): Promise<void> {
  const payment = { orderId, paymentId: randomUUID(), amount: { amountMinor: 3150, currencyCode: 'USD' } };
  await publishPaymentEvent('PaymentSubmitted', { ...payment, at: new Date().toISOString() });
  await publishPaymentEvent('PaymentSucceeded', { ...payment, at: new Date().toISOString() });
}

describe('subscriptions on two routers over two order replicas', () => {
  it('delivers every change to the subscribers of each router', async () => {
    const { token, orderId } = await awaitingPayment();
    const onA = watch(connectAs(token), RESUMABLE_STATUS, { orderId });
    const onB = watch(connectAs(await tokenFor(token, 600), ROUTER_B_URL), RESUMABLE_STATUS, { orderId });
    await Promise.all([sees(onA.results, 'AWAITING_PAYMENT'), sees(onB.results, 'AWAITING_PAYMENT')]);
    await paid(orderId);

    const [endA, endB] = await Promise.all([onA.ended, onB.ended]);
    expect(endA).toEqual({ completed: true });
    expect(endB).toEqual({ completed: true });
    const lifecycle = ['AWAITING_PAYMENT', 'PAYMENT_PROCESSING', 'PAID'];
    expect(statuses(onA.results)).toEqual(lifecycle);
    expect(statuses(onB.results)).toEqual(lifecycle);
    // The same events, not merely the same statuses.
    expect(onB.results).toEqual(onA.results);
  });

  it('closes the socket with 4401 when its token expires, and lets go of what it held', async () => {
    const { token, orderId } = await awaitingPayment();
    const shortLived = await tokenFor(token, 3);
    const subscription = watch(connectAs(shortLived, ROUTER_B_URL), RESUMABLE_STATUS, { orderId });
    await sees(subscription.results, 'AWAITING_PAYMENT');
    expect(closeCode(await subscription.ended)).toBe(4401);
    await eventually(
      async () => {
        const [router, replica] = await Promise.all([routerFigures(ROUTER_B_URL), orderFigures(REPLICA_BASE_URL)]);
        return router.clientSubscriptions === 0 && router.upstreamSockets === 0 && replica.listeners === 0
          ? true
          : undefined;
      },
      { what: 'router B and the replica to let go of the expired socket’s subscription', timeoutMs: 10_000 },
    );
  });

  it('refuses more subscriptions on one socket than the router allows, and serves them again once one ends', async () => {
    const { token, orderId } = await awaitingPayment();
    const socket = connectAs(await tokenFor(token, 600), ROUTER_B_URL);
    const held = Array.from({ length: PER_SOCKET }, () => watch(socket, RESUMABLE_STATUS, { orderId }));
    await Promise.all(held.map((subscription) => sees(subscription.results, 'AWAITING_PAYMENT')));

    const refused = watch(socket, RESUMABLE_STATUS, { orderId });
    const ending = await refused.ended;
    expect(ending).toHaveProperty('error');
    const errors = (ending as { error: { extensions?: { code?: string } }[] }).error;
    expect(errors.map((error) => error.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    // The socket itself stays open: the held subscriptions go on, and a freed slot is usable.
    held[0]?.unsubscribe();
    const again = watch(socket, RESUMABLE_STATUS, { orderId });
    await sees(again.results, 'AWAITING_PAYMENT');
    expect(statuses(held[1]?.results ?? [])).toEqual(['AWAITING_PAYMENT']);
    expect((await routerFigures(ROUTER_B_URL)).clientSubscriptions).toBe(PER_SOCKET);
  });

  it('deletes a replica’s broadcast consumer group when the replica stops', async () => {
    const { consumerGroup } = await orderFigures(REPLICA_BASE_URL);
    const admin = kafkaClient('e2e-replicas').admin();
    await admin.connect();
    try {
      const groups = async (): Promise<string[]> => (await admin.listGroups()).groups.map((group) => group.groupId);
      expect(await groups()).toContain(consumerGroup);
      await replicas?.stopService('order-replica');
      await eventually(async () => (!(await groups()).includes(consumerGroup) ? true : undefined), {
        what: `consumer group ${consumerGroup} to be deleted`,
        timeoutMs: 15_000,
      });
    } finally {
      await admin.disconnect();
    }
  });
});
