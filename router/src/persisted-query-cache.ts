import type { Redis } from 'ioredis';
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';

/** Where the router keeps its entries in the shared Redis: Apollo's keys (`apq:<hash>`) under this. */
const KEY_PREFIX = 'router:';

/**
 * How long a registered document stays known without Apollo asking for another ttl. APQ clients
 * register again on PERSISTED_QUERY_NOT_FOUND, so a lapsed entry costs one round trip, while
 * an unbounded one would let any client grow Redis for good.
 */
export const PERSISTED_QUERY_TTL_SECONDS = 24 * 60 * 60;

/** Per process, as Apollo's default cache: APQ lets any client add entries. */
const LOCAL_MAX_BYTES = 8 * 1024 * 1024;

export interface PersistedQueryCacheOptions {
  /** The router's shared connection (shared-redis.ts): its commands fail at once while Redis is away. */
  redis: Redis;
  ttlSeconds?: number;
}

/**
 * Apollo's persisted-query cache for router replicas behind a balancer: a document registered on
 * one replica is found by hash on every other, so a client's hash-only request does not fail
 * because the balancer sent it elsewhere. Each replica also keeps what it saw in memory: an
 * entry is the text of its own SHA-256 (Apollo checks that before storing), so it never goes
 * stale, a hit costs no round trip, and while Redis is away each replica still serves what it
 * learnt itself; a miss then makes the client send the text again, never an error.
 */
export function redisPersistedQueryCache(options: PersistedQueryCacheOptions): KeyValueCache {
  const { redis, ttlSeconds = PERSISTED_QUERY_TTL_SECONDS } = options;
  const local = new InMemoryLRUCache<string>({ maxSize: LOCAL_MAX_BYTES });
  // The shared client warns once per outage; a failed command here only means "not shared now".
  const quietly = async <T>(command: Promise<T>): Promise<T | undefined> => command.catch(() => undefined);
  return {
    async get(key) {
      const known = await local.get(key);
      if (known !== undefined) return known;
      const shared = await quietly(redis.get(`${KEY_PREFIX}${key}`));
      if (shared === undefined || shared === null) return undefined;
      await local.set(key, shared);
      return shared;
    },
    async set(key, value, setOptions?: KeyValueCacheSetOptions) {
      await local.set(key, value);
      // Apollo passes a ttl only when configured with one; none, or null (keep for ever), is bounded too.
      const ttl = setOptions?.ttl ? Math.ceil(setOptions.ttl) : ttlSeconds;
      await quietly(redis.set(`${KEY_PREFIX}${key}`, value, 'EX', ttl));
    },
    async delete(key) {
      await local.delete(key);
      return ((await quietly(redis.del(`${KEY_PREFIX}${key}`))) ?? 0) > 0;
    },
  };
}
