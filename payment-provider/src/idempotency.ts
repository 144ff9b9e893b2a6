import { createHash } from 'node:crypto';

/** A response as first sent, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  body: string;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

interface Entry {
  fingerprint: string;
  response: StoredResponse;
  expiresAt: number;
}

/** One day, as at the gateways this imitates. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Remembers the first response to each Idempotency-Key. A key is bound to the request it
 * first came with (method, path and body): the same request again gets the same response,
 * a different one is a conflict. Only requests that ran are saved; one refused by
 * validation leaves the key free, as at Stripe.
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= this.#now()) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', response: entry.response } : { kind: 'conflict' };
  }

  save(key: string, fingerprint: string, response: StoredResponse): void {
    const now = this.#now();
    // Entries expire in insertion order (one TTL for all), so pruning stops at the first live one.
    for (const [oldKey, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(oldKey);
    }
    this.#entries.delete(key);
    this.#entries.set(key, { fingerprint, response, expiresAt: now + this.#ttlMs });
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Key order and whitespace do not make two bodies different. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}
