/**
 * Per-client token buckets: each client may send `perSecond` requests a second on average,
 * with bursts up to `burst`. Clients are signed-in users by id, others by address. The
 * buckets live in this router replica, so with N replicas behind a balancer a client gets
 * about N times the rate: a guard against floods and scripts, not a billing meter.
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Buckets kept at most; the least recently used are dropped first (a dropped bucket is full). */
  maxClients?: number;
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token buckets per client; `take` answers whether a request may go ahead now. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;
  readonly #burst: number;
  readonly #maxClients: number;
  readonly #now: () => number;

  constructor(options: RateLimitOptions) {
    this.#perMs = options.perSecond / 1000;
    this.#burst = options.burst;
    this.#maxClients = options.maxClients ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one token for `client`, or says how long until one is available. */
  take(client: string): RateDecision {
    const now = this.#now();
    const bucket = this.#buckets.get(client) ?? { tokens: this.#burst, updatedMs: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updatedMs) * this.#perMs);
    bucket.updatedMs = now;
    // Re-inserting moves the client to the end of the Map's order: the oldest sit at the front.
    this.#buckets.delete(client);
    this.#buckets.set(client, bucket);
    if (this.#buckets.size > this.#maxClients) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)) };
  }
}
