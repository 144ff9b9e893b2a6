import { Redis } from 'ioredis';
import type { Logger } from '@emporium/logging';

/**
 * The router's one connection to Redis, where replicas keep what they must share: request
 * allowances (rate-limit.ts), open WebSocket counts (subscriptions/socket-caps.ts) and the
 * documents clients registered by APQ (persisted-query-cache.ts).
 * Commands fail at once while Redis is away (no offline queue, no retries, a short command
 * timeout), so every user of it falls back to counting in this process instead of waiting:
 * a Redis outage loosens the limits to per-replica ones, it never holds up a request. One
 * warning per outage says so; reconnection goes on for as long as the router runs.
 */
export function connectSharedRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    // A Redis that accepts commands but stalls must not stall requests or upgrades behind it.
    commandTimeout: 500,
    // Keep reconnecting, at most every 2 s, for as long as the router runs.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let degraded = false;
  redis.on('error', (error: Error) => {
    if (degraded) return;
    degraded = true;
    logger.warn(
      { err: error },
      'cannot reach Redis: rate limits, WebSocket caps and persisted queries are kept by each router on its own until it is back',
    );
  });
  redis.on('ready', () => {
    if (degraded) logger.info('rate limits, WebSocket caps and persisted queries are shared through Redis again');
    degraded = false;
  });
  return redis;
}

/**
 * Resolves true once the client is connected, false after `timeoutMs` without: a starting
 * router waits this long so its first requests count in Redis, then starts degraded.
 */
export async function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = (): void => {
      done(true);
    };
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}
