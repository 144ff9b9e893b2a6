import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryRateLimiter, redisRateLimiter } from './rate-limit.ts';
import { createLogger } from '@emporium/logging';
import { connectSharedRedis } from './shared-redis.ts';

describe('rate limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('allows a burst, then refuses with the seconds until the steady rate allows again', async () => {
    const limiter = memoryRateLimiter({ perSecond: 1, burst: 3 });
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limiter.take('ana'));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    vi.advanceTimersByTime(1100);
    expect((await limiter.take('ana')).allowed).toBe(true);
    // The burst is spent: only the steady rate remains until it is earned back.
    expect((await limiter.take('ana')).allowed).toBe(false);
  });

  it('keeps clients apart', async () => {
    const limiter = memoryRateLimiter({ perSecond: 1, burst: 1 });
    expect((await limiter.take('ana')).allowed).toBe(true);
    expect((await limiter.take('ana')).allowed).toBe(false);
    expect((await limiter.take('bo')).allowed).toBe(true);
  });
});

describe('rate limits without Redis', () => {
  it('count in the process instead of refusing everyone or no one', async () => {
    // Nothing listens on this port: every command fails at once.
    const redis = connectSharedRedis('redis://127.0.0.1:1', createLogger('test', { level: 'silent' }));
    const limiter = redisRateLimiter({ perSecond: 1, burst: 2, redis });
    try {
      const decisions = [];
      for (let i = 0; i < 3; i += 1) decisions.push((await limiter.take('ana')).allowed);
      expect(decisions).toEqual([true, true, false]);
    } finally {
      redis.disconnect();
    }
  });
});
