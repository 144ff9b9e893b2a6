import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

const clock = () => {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const time = clock();
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, now: time.now });
    expect([1, 2, 3].map(() => limiter.take('ana').allowed)).toEqual([true, true, true]);
    expect(limiter.take('ana')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(500);
    expect(limiter.take('ana').allowed).toBe(true);
    expect(limiter.take('ana').allowed).toBe(false);
  });

  it('keeps clients apart', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, now: clock().now });
    expect(limiter.take('ana').allowed).toBe(true);
    expect(limiter.take('ana').allowed).toBe(false);
    expect(limiter.take('bo').allowed).toBe(true);
  });

  it('refills no further than the burst', () => {
    const time = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, now: time.now });
    time.advance(60_000);
    expect([1, 2, 3].map(() => limiter.take('ana').allowed)).toEqual([true, true, false]);
  });

  it('forgets the least recently seen clients beyond its capacity, which then start full', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxClients: 2, now: clock().now });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });

  it('rounds a slow refill up to whole seconds', () => {
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1, now: clock().now });
    limiter.take('ana');
    expect(limiter.take('ana')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });
});
