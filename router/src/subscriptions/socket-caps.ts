import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@emporium/logging';

/** A place a socket holds under its cap; released when the socket closes. */
export interface SocketLease {
  release(): void;
}

/**
 * Open WebSockets per key (a user, a client address), capped. With Redis the count is the
 * platform's, over every router replica; without it, or while it is away, each replica counts
 * its own (a looser cap, never no cap and never a refusal because Redis is down).
 */
export interface SocketCaps {
  /** Takes a place for one more socket of `key`; null when `key` already holds `limit`. */
  open(key: string, limit: number): Promise<SocketLease | null>;
  /** Stops renewing this replica's places in Redis (they lapse within a lease). */
  close(): void;
}

/** Sockets of this process per key: the whole count without Redis, and a floor of the shared one with it. */
class LocalCounts {
  readonly #counts = new Map<string, number>();
  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
  add(key: string): void {
    this.#counts.set(key, this.count(key) + 1);
  }
  remove(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }
}

/** Counts in this process only: tests, and a router deliberately run without Redis. */
export function memorySocketCaps(): SocketCaps {
  const local = new LocalCounts();
  return {
    open: async (key, limit) => {
      if (local.count(key) >= limit) return null;
      local.add(key);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          local.remove(key);
        },
      };
    },
    close: () => undefined,
  };
}

/**
 * Each place is a member of a sorted set per key, scored with the time it lapses (Redis's own
 * clock, so replicas' clocks do not matter). Taking one drops lapsed members, then adds one if
 * fewer than the limit remain, in one script so two replicas cannot both take the last place.
 */
const OPEN_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * Renewing puts the member back whether or not it is there: a socket opened while Redis was
 * away, or whose place lapsed meanwhile, is counted again once Redis answers.
 */
const RENEW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

interface CapScripts {
  socketCapOpen(key: string, limit: number, member: string, leaseMs: number): Promise<number>;
  socketCapRenew(key: string, member: string, leaseMs: number): Promise<number>;
}

/** Options of {@link redisSocketCaps}. */
export interface RedisSocketCapsOptions {
  /** The router's shared client (shared-redis.ts): its commands fail at once while Redis is away. */
  redis: Redis;
  logger: Logger;
  /**
   * How long a place outlives its last renewal: a replica that dies without releasing its
   * sockets' places frees them within this. Renewed every third of it.
   */
  leaseMs?: number;
}

const DEFAULT_LEASE_MS = 30_000;

/**
 * Caps kept in Redis under `ws:<key>`, shared by every router replica. Each replica renews
 * the places of its open sockets in one pipeline every third of a lease, so the places of a
 * replica that died lapse on their own, and sockets opened while Redis was away are counted
 * again once it is back. Hand-written over ioredis rather than a semaphore library: those
 * renew every lock on a timer of its own and let a renewal that fails while Redis is down
 * reject unhandled, which would take the router down with Redis.
 */
export function redisSocketCaps(options: RedisSocketCapsOptions): SocketCaps {
  const { redis, logger } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  redis.defineCommand('socketCapOpen', { numberOfKeys: 1, lua: OPEN_SCRIPT });
  redis.defineCommand('socketCapRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
  const scripts = redis as unknown as CapScripts;
  const replica = randomUUID();
  let sequence = 0;
  const local = new LocalCounts();
  /** Every open socket's place: Redis key → members this replica holds there. */
  const held = new Map<string, Set<string>>();
  const redisKey = (key: string): string => `ws:${key}`;

  const renewAll = async (): Promise<void> => {
    if (held.size === 0 || redis.status !== 'ready') return;
    const pipeline = redis.pipeline() as unknown as CapScripts & { exec(): Promise<unknown> };
    for (const [key, members] of held) for (const member of members) void pipeline.socketCapRenew(key, member, leaseMs);
    try {
      await pipeline.exec();
    } catch (error) {
      // The client has warned of the outage; the next renewal (or 'ready') catches up.
      logger.debug({ err: error }, 'cannot renew WebSocket places in Redis');
    }
  };
  const timer = setInterval(() => void renewAll(), Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();
  // Back from an outage: count again at once what opened or lapsed while it lasted.
  const onReady = (): void => void renewAll();
  redis.on('ready', onReady);

  return {
    open: async (key, limit) => {
      // This replica's own sockets alone fill the cap: no need to ask.
      if (local.count(key) >= limit) return null;
      const shared = redisKey(key);
      const member = `${replica}:${(sequence += 1)}`;
      try {
        if ((await scripts.socketCapOpen(shared, limit, member, leaseMs)) !== 1) return null;
      } catch (error) {
        // Redis is away (the client has warned): this replica's count decides alone.
        logger.debug({ err: error, key }, 'WebSocket cap counted in this process only');
      }
      local.add(key);
      let members = held.get(shared);
      if (!members) held.set(shared, (members = new Set()));
      members.add(member);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          local.remove(key);
          members.delete(member);
          if (members.size === 0) held.delete(shared);
          // A place that cannot be removed now lapses within a lease.
          redis.zrem(shared, member).catch(() => undefined);
        },
      };
    },
    close: () => {
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}
