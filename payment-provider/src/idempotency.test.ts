import { describe, expect, it } from 'vitest';
import { IdempotencyStore, requestFingerprint } from './idempotency.ts';

const response = { status: 200, body: '{"id":"pi_1"}' };

describe('IdempotencyStore', () => {
  it('replays the first response for the same request and refuses a different one', () => {
    const store = new IdempotencyStore();
    const first = requestFingerprint('POST', '/v1/payment_intents', { amount: 100 });
    expect(store.lookup('key-1', first)).toEqual({ kind: 'new' });
    store.save('key-1', first, response);
    expect(store.lookup('key-1', first)).toEqual({ kind: 'replay', response });
    const other = requestFingerprint('POST', '/v1/payment_intents', { amount: 200 });
    expect(store.lookup('key-1', other)).toEqual({ kind: 'conflict' });
    expect(store.lookup('key-2', other)).toEqual({ kind: 'new' });
  });

  it('forgets a key after its time to live and prunes expired entries', () => {
    // Any clock but 0, which lru-cache reads as "no start time".
    let now = 5000;
    const store = new IdempotencyStore({ ttlMs: 1000, now: () => now });
    store.save('old', 'f', response);
    now = 6001;
    expect(store.lookup('old', 'f')).toEqual({ kind: 'new' });
    store.save('new', 'f', response);
    expect(store.size).toBe(1);
  });
});

describe('requestFingerprint', () => {
  it('ignores key order but not values, paths or methods', () => {
    const a = requestFingerprint('POST', '/v1/refunds', { a: 1, b: { c: [1, 2], d: 'x' } });
    expect(requestFingerprint('POST', '/v1/refunds', { b: { d: 'x', c: [1, 2] }, a: 1 })).toBe(a);
    expect(requestFingerprint('POST', '/v1/refunds', { a: 1, b: { c: [2, 1], d: 'x' } })).not.toBe(a);
    expect(requestFingerprint('POST', '/v1/payment_intents', { a: 1, b: { c: [1, 2], d: 'x' } })).not.toBe(a);
  });
});
