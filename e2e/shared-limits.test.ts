import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractOperation } from './client.ts';
import { control, startRouter, type ExtraProcess } from './harness.ts';

/**
 * Two router replicas with a small allowance, as behind a balancer: one client's requests
 * spread over both are charged to one allowance kept in Redis; with Redis gone each replica
 * goes on counting on its own.
 */
const PORTS = [4086, 4087] as const;
const LIMITS = { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '4' };
let routers: ExtraProcess[] = [];

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
  for (const router of routers) router.child.kill('SIGTERM');
});

describe('rate limits across router replicas', () => {
  it("charges one client's requests on both replicas to one shared allowance", async () => {
    const statuses = await alternate('127.0.0.2', 6);
    // A burst of 4 in all, not 4 per replica.
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });

  it('keeps limiting, each replica on its own, while Redis is down', async () => {
    await control('components', 'redis', 'stop');
    try {
      // Another client, so its allowance is whole.
      const statuses = await alternate('127.0.0.3', 10);
      // Each replica allows its own burst of 4 (8 in all) and refuses the rest: degraded, never open or closed.
      expect(statuses.filter((status) => status === 200)).toHaveLength(8);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    } finally {
      await control('components', 'redis', 'start');
    }
  });
});
