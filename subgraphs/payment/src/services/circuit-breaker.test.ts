import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('CircuitBreaker', () => {
  it('stays closed through fewer than five consecutive failures', () => {
    const breaker = new CircuitBreaker();
    for (let i = 0; i < 4; i += 1) breaker.recordFailure();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('counts only consecutive failures: a success resets the count', () => {
    const breaker = new CircuitBreaker();
    for (let i = 0; i < 4; i += 1) breaker.recordFailure();
    breaker.recordSuccess();
    for (let i = 0; i < 4; i += 1) breaker.recordFailure();
    expect(breaker.state).toBe('CLOSED');
  });

  it('opens after five consecutive failures and fails fast while open', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ now: time.now });
    for (let i = 0; i < 5; i += 1) breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(9_999);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('lets one trial call through after ten seconds; its success closes the circuit', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ now: time.now });
    for (let i = 0; i < 5; i += 1) breaker.recordFailure();
    time.advance(10_000);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('reopens for another ten seconds when the trial call fails', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ now: time.now });
    for (let i = 0; i < 5; i += 1) breaker.recordFailure();
    time.advance(10_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(10_000);
    expect(breaker.tryAcquire()).toBe(true);
  });
});
