import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { contractOperation } from './client.ts';
import { startRouter, type ExtraProcess } from './harness.ts';

/**
 * A router behind a load balancer keys its per-client limits on the client's address, which
 * only the balancer's X-Forwarded-For tells. It believes that header from the balancer it is
 * configured to trust (TRUSTED_PROXIES) and from no one else: a client that writes the header
 * itself, directly or through the balancer, is still held to its own allowance.
 */
const PORT = 4088;
const LIMITS = { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '3', MAX_WEBSOCKETS_PER_ADDRESS: '1' };
let router: ExtraProcess;

/** A loopback address other than 127.0.0.1, new for each call: counts of earlier runs do not reach it. */
const newAddress = (): string => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
/** An address from the documentation range, as a client's public address would be. */
const publicAddress = (): string => `203.0.113.${randomInt(1, 255)}`;

const balancer = newAddress();

/** One anonymous request from the peer `from`, with `forwardedFor` as its X-Forwarded-For; answers the HTTP status. */
const send = (from: string, forwardedFor?: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: '/graphql',
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
      },
    );
    call.on('error', reject);
    call.end(JSON.stringify({ query: contractOperation('Me') }));
  });

const sockets: WebSocket[] = [];
/** A WebSocket upgrade from the peer `from` with `forwardedFor`: 101 when it opened, else the refusal's status. */
function upgrade(from: string, forwardedFor: string): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${PORT}/graphql`, 'graphql-transport-ws', {
    localAddress: from,
    headers: { 'x-forwarded-for': forwardedFor },
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  router = await startRouter(PORT, { ...LIMITS, TRUSTED_PROXIES: balancer });
});

afterAll(() => {
  for (const socket of sockets) socket.terminate();
  router.child.kill('SIGTERM');
});

describe('client addresses behind a load balancer', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy: a new spoofed address per request escapes nothing', async () => {
    const attacker = newAddress();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push(await send(attacker, publicAddress()));
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('keys on the address the trusted balancer saw, not on what the client wrote before it', async () => {
    const attacker = publicAddress();
    const statuses = [];
    // The balancer appends the peer it saw to whatever the client sent.
    for (let i = 0; i < 5; i += 1) statuses.push(await send(balancer, `${publicAddress()}, ${attacker}`));
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("gives each client behind the trusted balancer an allowance of its own, not one for the balancer's address", async () => {
    const [first, second] = [publicAddress(), `2001:db8::${randomInt(1, 0xffff).toString(16)}`];
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push(await send(balancer, first));
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await send(balancer, second)).toBe(200);
  });

  it('caps WebSockets per forwarded client through the balancer, and per peer for anyone else', async () => {
    const client = `198.51.100.${randomInt(1, 255)}`;
    expect(await upgrade(balancer, client)).toBe(101);
    expect(await upgrade(balancer, client)).toBe(429);
    expect(await upgrade(balancer, `198.51.100.${randomInt(1, 255)}, 192.0.2.${randomInt(1, 255)}`)).toBe(101);

    const attacker = newAddress();
    expect(await upgrade(attacker, publicAddress())).toBe(101);
    expect(await upgrade(attacker, publicAddress())).toBe(429);
  });
});
