import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createLogger } from '@emporium/logging';
import { captureLogger } from '@emporium/logging/capture';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { connectSharedRedis, redisReady } from '../src/shared-redis.ts';
import { redisSocketCaps, type SocketCaps, type SocketLease } from '../src/subscriptions/socket-caps.ts';

/**
 * WebSocket caps on the stack's Redis, two caps objects playing two router replicas: one cap
 * over both, places freed on close or when their replica dies, and a per-replica cap with a
 * warning when Redis cannot be reached.
 */
const quiet = createLogger('test', { level: 'silent' });
const clients: Redis[] = [];
const caps: SocketCaps[] = [];

async function connected(): Promise<Redis> {
  const redis = connectSharedRedis(stackEndpoints().redis.url, quiet);
  clients.push(redis);
  await redisReady(redis, 5000);
  return redis;
}

async function replica(leaseMs?: number): Promise<SocketCaps> {
  const redis = await connected();
  const replicaCaps = redisSocketCaps({ redis, logger: quiet, ...(leaseMs === undefined ? {} : { leaseMs }) });
  caps.push(replicaCaps);
  return replicaCaps;
}

afterAll(() => {
  for (const each of caps) each.close();
  for (const client of clients) client.disconnect();
});

const opened = (leases: (SocketLease | null)[]): boolean[] => leases.map((lease) => lease !== null);

describe('WebSocket caps in Redis', () => {
  it("hold one user's sockets on two replicas to one cap, and free a place when a socket closes", async () => {
    const [a, b] = [await replica(), await replica()];
    const user = uniqueName('user');
    const leases = [await a.open(user, 3), await b.open(user, 3), await a.open(user, 3), await b.open(user, 3)];
    expect(opened(leases)).toEqual([true, true, true, false]);
    leases[0]?.release();
    // The release reached Redis before this command: both go over the same connection, in order.
    expect(await b.open(user, 3)).not.toBeNull();
    // Another user's cap is untouched.
    expect(await b.open(uniqueName('user'), 3)).not.toBeNull();
  });

  it('free the places of a replica that died without releasing them, within a lease', async () => {
    const dying = await replica(600);
    const survivor = await replica(600);
    const user = uniqueName('user');
    expect(opened([await dying.open(user, 2), await dying.open(user, 2)])).toEqual([true, true]);
    expect(await survivor.open(user, 2)).toBeNull();
    // Dies: it stops renewing and never releases.
    dying.close();
    await eventually(async () => survivor.open(user, 2).then((lease) => lease ?? undefined), {
      what: "the dead replica's places to lapse",
    });
  });

  it('keep renewing the places of open sockets, so a long-lived socket stays counted', async () => {
    const a = await replica(300);
    const b = await replica(300);
    const user = uniqueName('user');
    expect(await a.open(user, 1)).not.toBeNull();
    const raw = await connected();
    const lapsesAt = async (): Promise<number> => Number((await raw.zrange(`ws:${user}`, 0, 0, 'WITHSCORES'))[1]);
    const redisNow = async (): Promise<number> => {
      const [seconds, micros] = await raw.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    const first = await lapsesAt();
    // Past the first lease's end (by Redis's clock) with the place renewed beyond it.
    await eventually(async () => ((await redisNow()) > first && (await lapsesAt()) > first ? true : undefined), {
      what: 'the first lease to end and a renewal to extend the place',
    });
    expect(await b.open(user, 1)).toBeNull();
  });

  it('count each replica on its own, with a warning, when Redis cannot be reached', async () => {
    const { logger, lines } = captureLogger('router');
    // Nothing listens on this port: every command fails at once.
    const unreachable = connectSharedRedis('redis://127.0.0.1:1', logger);
    clients.push(unreachable);
    const cut = redisSocketCaps({ redis: unreachable, logger });
    caps.push(cut);
    const user = uniqueName('user');
    const leases = [await cut.open(user, 2), await cut.open(user, 2), await cut.open(user, 2)];
    // Neither refused for want of Redis nor let through without a cap.
    expect(opened(leases)).toEqual([true, true, false]);
    leases[0]?.release();
    expect(await cut.open(user, 2)).not.toBeNull();
    await eventually(
      async () =>
        lines().find((line) => line['level'] === 40 && /cannot reach Redis/.test(String(line['msg']))) ?? undefined,
      { what: 'the warning that limits are per router' },
    );
  });
});
