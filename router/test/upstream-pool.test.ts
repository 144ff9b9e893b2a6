import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import {
  ROUTER_ASSERTION_HEADER,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  generateAssertionKeyPair,
  signRouterAssertion,
  verifyRouterAssertion,
} from '@emporium/auth';
import { eventually } from '@emporium/testing';
import { UpstreamPool, activeUpstreams } from '../src/subscriptions/subgraph-client.ts';
import type { SubgraphResponse } from '../src/subscriptions/plan-executor.ts';

/**
 * The router's shared upstream sockets against a real graphql-ws server standing in for a
 * subgraph: it checks the socket's assertion at connection_init and each subscription's own
 * in its `extensions`, and answers each subscription with the caller that assertion names.
 */
const keys = generateAssertionKeyPair();
const signer = assertionSigningKey(ROUTER_ISSUER, keys.privateKey);
const verifier = assertionVerificationKey(ROUTER_ISSUER, keys.publicKey);

let server: Server;
let wss: WebSocketServer;
let url: string;
/** The socket-level callers the server accepted, one per socket. */
const socketCallers: (string | null)[] = [];

beforeAll(async () => {
  server = createServer();
  wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema: buildSchema('type Query { ok: Boolean } type Subscription { caller: String }'),
      onConnect: async (ctx) => {
        const assertion = await verifyRouterAssertion(
          verifier,
          'order',
          String(ctx.connectionParams?.[ROUTER_ASSERTION_HEADER]),
        );
        socketCallers.push(assertion.caller?.userId ?? null);
        return true;
      },
      context: async (_ctx, _id, payload) =>
        verifyRouterAssertion(verifier, 'order', String(payload.extensions?.[ROUTER_ASSERTION_HEADER])),
      roots: {
        subscription: {
          // One event naming the subscription's caller, then open until the router ends it.
          caller: async function* (_args: unknown, context: Awaited<ReturnType<typeof verifyRouterAssertion>>) {
            yield { caller: context.caller?.userId ?? null };
            await new Promise(() => undefined);
          },
        },
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => {
    wss.close(resolve);
  });
  await new Promise((resolve) => server.close(resolve));
});

interface Watch {
  events: SubgraphResponse[];
  failure: unknown;
  end: () => void;
}

async function watch(pool: UpstreamPool, userId: string): Promise<Watch> {
  const assertion = await signRouterAssertion(signer, 'order', {
    caller: { userId, roles: ['SHOPPER'] },
    requestId: `r-${userId}`,
  });
  const seen: Watch = { events: [], failure: undefined, end: () => undefined };
  seen.end = pool.upstream('order', url, assertion).subscribe(
    { query: 'subscription { caller }' },
    {
      next: (value) => {
        seen.events.push(value);
      },
      error: (error: unknown) => {
        seen.failure = error;
      },
      complete: () => undefined,
    },
  );
  return seen;
}

const firstEvent = (seen: Watch) =>
  eventually(async () => (seen.events.length > 0 ? true : undefined), { what: 'the first event' });

const serverSockets = () => wss.clients.size;

describe('UpstreamPool', () => {
  it("carries many callers' subscriptions on a few sockets, each as its own caller, and closes them when done", async () => {
    const pool = new UpstreamPool(signer, { maxSockets: 2, subscriptionsPerSocket: 2 });
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const watches = await Promise.all(users.map((user) => watch(pool, user)));
    for (const seen of watches) await firstEvent(seen);
    expect(watches.map((seen) => seen.events[0]?.data)).toEqual(users.map((user) => ({ caller: user })));
    // Five subscriptions, two per socket, but never more than two sockets.
    expect(serverSockets()).toBe(2);
    expect(pool.sockets('order')).toBe(2);
    expect(activeUpstreams()).toBe(2);
    // The sockets themselves speak for no one.
    expect(socketCallers.slice(-2)).toEqual([null, null]);
    for (const seen of watches) seen.end();
    await eventually(async () => (serverSockets() === 0 && activeUpstreams() === 0 ? true : undefined), {
      what: 'every upstream socket closed',
    });
    expect(pool.sockets('order')).toBe(0);
  });

  it("ends a lost socket's subscriptions with an error and serves the next on a new socket", async () => {
    const pool = new UpstreamPool(signer, { maxSockets: 4, subscriptionsPerSocket: 8 });
    const before = await Promise.all(['a', 'b', 'c'].map((user) => watch(pool, user)));
    for (const seen of before) await firstEvent(seen);
    expect(serverSockets()).toBe(1);
    for (const socket of wss.clients) socket.terminate();
    await eventually(async () => (before.every((seen) => seen.failure !== undefined) ? true : undefined), {
      what: 'every subscription on the lost socket to fail',
    });
    expect(pool.sockets('order')).toBe(0);
    const after = await watch(pool, 'd');
    await firstEvent(after);
    expect(after.events[0]?.data).toEqual({ caller: 'd' });
    expect(serverSockets()).toBe(1);
    after.end();
    await eventually(async () => (serverSockets() === 0 ? true : undefined), { what: 'the new socket closed' });
  });
});
