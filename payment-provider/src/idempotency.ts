import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** A response as first sent, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  body: string;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

interface Entry {
  fingerprint: string;
  response: StoredResponse;
}

/** One day, as at the gateways this imitates. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Keys remembered at most, unless configured: the least recently used are forgotten first. */
export const IDEMPOTENCY_MAX_KEYS = 100_000;

/**
 * Remembers the first response to each Idempotency-Key. A key is bound to the request it
 * first came with (method, path and body): the same request again gets the same response,
 * a different one is a conflict. Only requests that ran are saved; one refused by
 * validation leaves the key free, as at Stripe. Keys are forgotten after a day, or sooner
 * when more than `maxKeys` are held, so memory stays bounded.
 */
export class IdempotencyStore {
  readonly #entries: LRUCache<string, Entry>;

  constructor(options: { ttlMs?: number; maxKeys?: number; now?: () => number } = {}) {
    const now = options.now;
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxKeys ?? IDEMPOTENCY_MAX_KEYS,
      ttl: options.ttlMs ?? IDEMPOTENCY_TTL_MS,
      // A test's clock, read at every check instead of lru-cache's once-a-millisecond cache.
      ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
    });
  }

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.#entries.get(key);
    if (entry === undefined) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', response: entry.response } : { kind: 'conflict' };
  }

  save(key: string, fingerprint: string, response: StoredResponse): void {
    this.#entries.set(key, { fingerprint, response });
  }

  get size(): number {
    this.#entries.purgeStale();
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
