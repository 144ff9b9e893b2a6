import type { Redis } from 'ioredis';
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/**
 * Per-client request allowances: each client may send `perSecond` requests a second, with
 * bursts up to `burst`. Clients are signed-in users by id, others by address. The counts live
 * in Redis, so every router replica charges one shared allowance; when Redis cannot be
 * reached each replica falls back to counting in its own memory (a warning says so) rather
 * than refusing or waving everyone through. rate-limiter-flexible does the counting: the
 * atomic Redis scripts, the in-memory insurance and the burst on top of the steady rate.
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Answers whether a request of `client` may go ahead now. */
export interface RateLimiter {
  take(client: string): Promise<RateDecision>;
}

/**
 * A steady `perSecond` each second, plus `burst - perSecond` more spread over the time the
 * steady rate takes to earn them: a burst is allowed once, then the client is held to the rate.
 */
interface Consumer {
  consume(key: string): Promise<RateLimiterRes>;
}

function limiters(
  options: RateLimitOptions,
  make: (name: string, points: number, duration: number) => RateLimiterAbstract,
): Consumer {
  const steady = make('steady', options.perSecond, 1);
  const extra = options.burst - options.perSecond;
  if (extra <= 0) return steady;
  return new BurstyRateLimiter(steady, make('burst', extra, Math.ceil(options.burst / options.perSecond)));
}

async function decide(limiter: Consumer, client: string): Promise<RateDecision> {
  try {
    await limiter.consume(client);
    return { allowed: true };
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
  }
}

/** Counts in this process only: tests, and a router deliberately run without Redis. */
export function memoryRateLimiter(options: RateLimitOptions): RateLimiter {
  const limiter = limiters(
    options,
    (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration }),
  );
  return { take: (client) => decide(limiter, client) };
}

/**
 * Counts in Redis, shared by every router; in memory while Redis is unreachable. The client
 * (see shared-redis.ts) fails commands at once while disconnected, so the in-memory
 * insurance answers instead of a queue; its owner closes it.
 */
export function redisRateLimiter(options: RateLimitOptions & { redis: Redis }): RateLimiter {
  const { redis } = options;
  // Routers with other allowances (a canary, a test's own router) keep counts of their own.
  const prefix = `rate:${options.perSecond}/${options.burst}:`;
  const limiter = limiters(
    options,
    (name, points, duration) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}${name}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}${name}`, points, duration }),
      }),
  );
  return { take: (client) => decide(limiter, client) };
}
