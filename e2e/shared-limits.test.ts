import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '@emporium/testing';
import { contractOperation } from './client.ts';
import { control, startRouter, type ExtraProcess } from './harness.ts';
import { newShopper } from './shop.ts';

/**
 * Two router replicas with small allowances, as behind a balancer: one client's requests
 * spread over both are charged to one allowance kept in Redis, and one user's (or one
 * address's) WebSockets over both to one cap; with Redis gone each replica goes on counting
 * on its own.
 */
const PORTS = [4086, 4087] as const;
const LIMITS = {
  RATE_LIMIT_PER_SECOND: '1',
  RATE_LIMIT_BURST: '4',
  MAX_WEBSOCKETS_PER_USER: '2',
  MAX_WEBSOCKETS_PER_ADDRESS: '3',
};
let routers: ExtraProcess[] = [];
const sockets: WebSocket[] = [];
/** Which replica (port) each socket went to. */
const portOf = new Map<WebSocket, number>();

/** A loopback address other than 127.0.0.1, new for each call: counts of earlier runs or other tests do not reach it. */
const newClient = (): string => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** A graphql-transport-ws socket to the replica on `port`, from `client`; resolves once upgraded, or with the refusal's HTTP status. */
function openSocket(port: number, client: string): Promise<WebSocket | number> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { localAddress: client });
  sockets.push(socket);
  portOf.set(socket, port);
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve(socket);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

/** Opens a socket on `port` and signs it in with `token`: 'ack', or the close code that refused it. */
async function signedInSocket(port: number, client: string, token: string): Promise<string> {
  const socket = await openSocket(port, client);
  if (typeof socket === 'number') return `HTTP ${socket}`;
  const answer = new Promise<string>((resolve) => {
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve('ack');
    });
    socket.once('close', (code) => {
      resolve(`closed ${code}`);
    });
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  return answer;
}

/** The upgraded sockets the replica on `port` counts as open, from its admin port's metrics. */
async function openOn(port: number): Promise<number> {
  // The router's admin port is its public port + 100 unless configured otherwise.
  const text = await (await fetch(`http://127.0.0.1:${port + 100}/metrics`)).text();
  return Number(/^router_websocket_connections(?:{[^}]*})? (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/**
 * Closes a socket and waits until its router has seen it go. The client's close alone does not
 * say so: the router frees the socket's place when its own end of the connection closes, and
 * with another replica taking the next socket, that one may otherwise ask Redis first.
 */
async function closeSocket(socket: WebSocket | undefined): Promise<void> {
  if (!socket || socket.readyState === WebSocket.CLOSED) return;
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.close();
  await closed;
  const port = portOf.get(socket) ?? PORTS[0];
  const stillOpen = (): number =>
    sockets.filter((each) => portOf.get(each) === port && each.readyState !== WebSocket.CLOSED).length;
  await eventually(async () => ((await openOn(port)) <= stillOpen() ? true : undefined), {
    what: `the router on ${port} to see the socket closed`,
  });
}

/**
 * One anonymous request from `client` (a loopback address of its own: the router tells
 * anonymous clients apart by address), answering the HTTP status.
 */
const send = (port: number, client: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        localAddress: client,
        headers: { 'content-type': 'application/json' },
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

/** `count` requests of one client, alternating between the replicas, one after the other. */
async function alternate(client: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push(await send(PORTS[i % PORTS.length] ?? PORTS[0], client));
  return statuses;
}

beforeAll(async () => {
  routers = await Promise.all(PORTS.map((port) => startRouter(port, LIMITS)));
});

afterAll(() => {
  for (const socket of sockets) socket.terminate();
  for (const router of routers) router.child.kill('SIGTERM');
});

describe('rate limits across router replicas', () => {
  it("charges one client's requests on both replicas to one shared allowance", async () => {
    const statuses = await alternate('127.0.0.2', 6);
    // A burst of 4 in all, not 4 per replica.
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });

  it("holds one user's WebSockets on both replicas to one cap, and frees a place when one closes", async () => {
    const token = await newShopper('two-replicas');
    const [a, b] = PORTS;
    const answers = [];
    for (const port of [a, b, a, b]) answers.push(await signedInSocket(port, newClient(), token));
    // A cap of 2 in all, not 2 per replica.
    expect(answers).toEqual(['ack', 'ack', 'closed 4429', 'closed 4429']);
    await closeSocket(sockets.find((socket) => socket.readyState === WebSocket.OPEN));
    expect(await signedInSocket(b, newClient(), token)).toBe('ack');
  });

  it("holds one address's WebSockets on both replicas to one cap, refused at the upgrade", async () => {
    const client = newClient();
    const opened = [];
    for (let i = 0; i < 4; i += 1) opened.push(await openSocket(PORTS[i % PORTS.length] ?? PORTS[0], client));
    expect(opened.slice(0, 3).every((socket) => socket instanceof WebSocket)).toBe(true);
    expect(opened[3]).toBe(429);
  });

  it('keeps limiting, each replica on its own, while Redis is down', async () => {
    const token = await newShopper('redis-down');
    await control('components', 'redis', 'stop');
    try {
      // Another client, so its allowance is whole.
      const statuses = await alternate('127.0.0.3', 10);
      // Each replica allows its own burst of 4 (8 in all) and refuses the rest: degraded, never open or closed.
      expect(statuses.filter((status) => status === 200)).toHaveLength(8);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);

      // WebSockets likewise: a cap of 2 on each replica, so 4 in all, and then no more.
      const [a, b] = PORTS;
      const answers = [];
      for (const port of [a, b, a, b, a, b]) answers.push(await signedInSocket(port, newClient(), token));
      expect(answers).toEqual(['ack', 'ack', 'ack', 'ack', 'closed 4429', 'closed 4429']);
    } finally {
      await control('components', 'redis', 'start');
    }
  });
});
