import type { GraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import { Kind, parse, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { fetchKey, isOperationFetch, isQueryFetch } from './fetch-deduplication.ts';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** What a lookup came to, for the router's metrics. */
export type CacheLookup = 'hit' | 'miss' | 'bypass';

/** Options of {@link EntityCache}. */
export interface EntityCacheOptions {
  /** The subgraphs whose changes are followed: only their answers are ever kept. */
  subgraphs: readonly string[];
  /** The most answer text each subgraph's entries may hold (UTF-16 code units, ~bytes × 2 in memory). */
  maxBytesPerSubgraph: number;
  /**
   * Whether every change from now on will reach {@link EntityCache.invalidate}: the change feed
   * is followed and caught up. While it is not, nothing is read from the cache or written to it.
   */
  inSync: () => boolean;
}

/** Ids of the entities an answer was read from, or null for one that may depend on any row (a list). */
export type EntityIds = readonly string[] | null;

/** How many changed ids a subgraph remembers the time of (see {@link SubgraphEntries.mayKeep}). */
const REMEMBERED_CHANGES = 10_000;

interface Kept {
  text: string;
  ids: EntityIds;
}

/**
 * One subgraph's answers, indexed by the entity ids they were read from, with a clock that
 * ticks at every invalidation so an answer fetched across a change of its rows is not kept.
 */
class SubgraphEntries {
  readonly #entries: LRUCache<string, Kept>;
  /** Keys of answers read from each entity id (lower case). */
  readonly #byId = new Map<string, Set<string>>();
  /** Keys of answers that may depend on any row: every change drops them. */
  readonly #wide = new Set<string>();
  /** Ticks at every invalidation. */
  #clock = 0;
  /** When the whole subgraph was last dropped. */
  #droppedAllAt = 0;
  /** When each recently changed id was last dropped, oldest first. */
  readonly #changedAt = new Map<string, number>();
  /** Ids changed at or before this tick may have been forgotten from {@link #changedAt}. */
  #forgottenThrough = 0;

  constructor(maxBytes: number) {
    this.#entries = new LRUCache<string, Kept>({
      maxSize: maxBytes,
      sizeCalculation: (kept, key) => kept.text.length + key.length,
      // Evicted, expired, replaced or dropped: the index forgets the key with the entry.
      dispose: (kept, key) => {
        this.#unindex(key, kept.ids);
      },
    });
  }

  get clock(): number {
    return this.#clock;
  }

  get size(): number {
    return this.#entries.calculatedSize;
  }

  get(key: string): string | undefined {
    return this.#entries.get(key)?.text;
  }

  /** Whether an answer fetched since `startedAt` may be kept: none of its rows changed since. */
  mayKeep(ids: EntityIds, startedAt: number): boolean {
    if (this.#clock === startedAt) return true;
    if (ids === null || this.#droppedAllAt > startedAt || this.#forgottenThrough > startedAt) return false;
    return ids.every((id) => (this.#changedAt.get(id) ?? 0) <= startedAt);
  }

  set(key: string, text: string, ids: EntityIds, ttlMs: number): void {
    this.#entries.set(key, { text, ids }, { ttl: ttlMs });
    if (ids === null) {
      this.#wide.add(key);
      return;
    }
    for (const id of ids) {
      let keys = this.#byId.get(id);
      if (!keys) this.#byId.set(id, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Drops the answers read from any of `ids` and every wide one; all of them without `ids`. */
  drop(ids?: readonly string[]): void {
    this.#clock += 1;
    if (ids === undefined) {
      this.#droppedAllAt = this.#clock;
      this.#entries.clear();
      return;
    }
    for (const key of [...this.#wide]) this.#entries.delete(key);
    for (const id of ids) {
      for (const key of [...(this.#byId.get(id) ?? [])]) this.#entries.delete(key);
      this.#changedAt.delete(id);
      this.#changedAt.set(id, this.#clock);
    }
    for (const [id, at] of this.#changedAt) {
      if (this.#changedAt.size <= REMEMBERED_CHANGES) break;
      this.#changedAt.delete(id);
      this.#forgottenThrough = at;
    }
  }

  #unindex(key: string, ids: EntityIds): void {
    if (ids === null) {
      this.#wide.delete(key);
      return;
    }
    for (const id of ids) {
      const keys = this.#byId.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.#byId.delete(id);
    }
  }
}

/**
 * Public subgraph answers, kept so that the next identical fetch costs a map lookup instead of
 * a call to the subgraph and its database. Only answers the subgraph itself declared public
 * and cacheable (`Cache-Control: public, max-age=N`, from Apollo Server's cache hints) are kept,
 * for at most their max-age, so a subgraph that says nothing is never cached.
 *
 * Freshness comes from the change stream, not the max-age: a change to an entity drops the
 * answers read from it and every answer that may depend on any row (a list); a change the
 * stream cannot tie to one entity drops the subgraph's answers (see catalogue-changes.ts). An
 * answer fetched across a change of its rows is not kept, and while the stream is not followed
 * the cache is bypassed, so an entry never outlives a change the router could have seen.
 */
export class EntityCache {
  readonly #options: EntityCacheOptions;
  readonly #subgraphs = new Map<string, SubgraphEntries>();

  constructor(options: EntityCacheOptions) {
    this.#options = options;
  }

  #of(subgraph: string): SubgraphEntries {
    let found = this.#subgraphs.get(subgraph);
    if (!found) {
      found = new SubgraphEntries(this.#options.maxBytesPerSubgraph);
      this.#subgraphs.set(subgraph, found);
    }
    return found;
  }

  /** Whether `subgraph`'s answers may be kept (its changes are followed). */
  covers(subgraph: string): boolean {
    return this.#options.subgraphs.includes(subgraph);
  }

  /** The time to pass to {@link set} for a fetch starting now. */
  clock(subgraph: string): number {
    return this.#of(subgraph).clock;
  }

  /** The answer kept under `key`, or why there is none. */
  get(subgraph: string, key: string): { lookup: 'hit'; text: string } | { lookup: 'miss' | 'bypass' } {
    if (!this.#options.inSync()) return { lookup: 'bypass' };
    const text = this.#of(subgraph).get(key);
    return text === undefined ? { lookup: 'miss' } : { lookup: 'hit', text };
  }

  /**
   * Keeps an answer read from the entities `ids` (null: from any row) for `ttlMs`, unless one
   * of them changed (or may have) since the fetch began at `startedAt`: the answer could then
   * be older than the change.
   */
  set(
    subgraph: string,
    key: string,
    answer: { text: string; ids: EntityIds; ttlMs: number; startedAt: number },
  ): boolean {
    const of = this.#of(subgraph);
    const ids = answer.ids?.map((id) => id.toLowerCase()) ?? null;
    if (!this.#options.inSync() || !of.mayKeep(ids, answer.startedAt)) return false;
    of.set(key, answer.text, ids, answer.ttlMs);
    return true;
  }

  /**
   * Drops what changed: with `ids`, the subgraph's answers read from those entities and its
   * answers that may depend on any row; without, all its answers (every subgraph's without one).
   */
  invalidate(subgraph?: string, ids?: readonly string[]): void {
    const lower = ids?.map((id) => id.toLowerCase());
    if (subgraph === undefined) {
      for (const entries of this.#subgraphs.values()) entries.drop();
      return;
    }
    this.#of(subgraph).drop(lower);
  }

  /** Answer text held, by subgraph. */
  sizes(): Map<string, number> {
    return new Map([...this.#subgraphs].map(([name, entries]) => [name, entries.size]));
  }
}

/**
 * How long a subgraph said its answer may be kept, in seconds: `max-age` of a `public`
 * Cache-Control (Apollo Server writes `max-age=60, public`), else 0.
 */
export function publicMaxAge(cacheControl: string | null | undefined): number {
  if (!cacheControl) return 0;
  const directives = cacheControl.split(',').map((part) => part.trim().toLowerCase());
  if (!directives.includes('public') || directives.some((part) => part === 'no-store' || part === 'private')) return 0;
  const maxAge = directives.find((part) => part.startsWith('max-age='))?.slice('max-age='.length);
  return maxAge !== undefined && /^\d+$/.test(maxAge) ? Number(maxAge) : 0;
}

/** Where a root field's entity id comes from: a variable, or the query text itself. */
type IdSource = { variable: string } | { value: string };

/** What a subgraph query's answer is read from: `_entities` representations and id lookups, or anything (null). */
interface Roots {
  entities: boolean;
  ids: IdSource[];
}

/**
 * The entity-reading shape of a subgraph query, by its text: every root field an `_entities`
 * fetch or a lookup by an `id` argument (`product(id: $id)`), whose answer is read from those
 * entities' rows; null for any other root (a list, a search), whose answer may depend on any row.
 */
function rootsOf(query: string): Roots | null {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return null;
  const roots: Roots = { entities: false, ids: [] };
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return null;
    const name = selection.name.value;
    if (name === '__typename') continue;
    if (name === '_entities') {
      roots.entities = true;
      continue;
    }
    const id = selection.arguments?.find((argument) => argument.name.value === 'id')?.value;
    if (id?.kind === Kind.VARIABLE) roots.ids.push({ variable: id.name.value });
    else if (id?.kind === Kind.STRING) roots.ids.push({ value: id.value });
    else return null;
  }
  return roots;
}

/** The entity ids a fetch reads from, or null when its answer may depend on any row. */
function entityIdsOf(roots: Roots | null, variables: Record<string, unknown> | undefined): EntityIds {
  if (roots === null) return null;
  const ids: string[] = [];
  if (roots.entities) {
    const representations = variables?.['representations'];
    if (!Array.isArray(representations)) return null;
    for (const representation of representations as unknown[]) {
      const id =
        typeof representation === 'object' && representation !== null
          ? (representation as { id?: unknown }).id
          : undefined;
      if (typeof id !== 'string') return null;
      ids.push(id);
    }
  }
  for (const source of roots.ids) {
    const id = 'value' in source ? source.value : variables?.[source.variable];
    if (typeof id !== 'string') return null;
    ids.push(id);
  }
  return ids;
}

/** Options of {@link cacheFetches}. */
export interface CacheFetchesOptions {
  subgraph: string;
  cache: EntityCache;
  /** Called once per query fetch with what the lookup came to. */
  onLookup?: (subgraph: string, lookup: CacheLookup) => void;
}

/**
 * Wraps a subgraph's data source with the entity cache: a query fetch is answered from the
 * cache when an identical one (query, variables, extensions, headers) was answered publicly
 * before, whoever asked, and a public answer without errors is kept for its max-age. A
 * mutation through this router drops the subgraph's entries before and after it runs, so its
 * caller reads its own write at once here (other replicas see it through the change stream).
 *
 * Each hit parses its own copy of the kept text, as callers write into what they receive.
 */
export function cacheFetches<TContext extends BaseContext>(
  source: GraphQLDataSource<TContext>,
  options: CacheFetchesOptions,
): GraphQLDataSource<TContext> {
  const { subgraph, cache } = options;
  // The planner writes a few query texts per operation, the same each time.
  const shapes = new LRUCache<string, { roots: Roots | null }>({ max: 1000 });
  const shapeOf = (query: string): Roots | null => {
    let shape = shapes.get(query);
    if (!shape) shapes.set(query, (shape = { roots: rootsOf(query) }));
    return shape.roots;
  };
  return {
    async process(request) {
      if (!isOperationFetch(request)) return source.process(request);
      if (!isQueryFetch(request)) {
        cache.invalidate(subgraph);
        try {
          return await source.process(request);
        } finally {
          cache.invalidate(subgraph);
        }
      }
      const key = fetchKey(request, null);
      const found = cache.get(subgraph, key);
      options.onLookup?.(subgraph, found.lookup);
      if (found.lookup === 'hit') return JSON.parse(found.text) as SubgraphResponse;
      if (found.lookup === 'bypass') return source.process(request);
      const startedAt = cache.clock(subgraph);
      const response = await source.process(request);
      const maxAge = response.errors?.length ? 0 : publicMaxAge(response.http?.headers.get('cache-control'));
      if (maxAge > 0) {
        const { data, extensions } = response;
        cache.set(subgraph, key, {
          text: JSON.stringify({ data, extensions }),
          ids: entityIdsOf(shapeOf(request.request.query ?? ''), request.request.variables),
          ttlMs: maxAge * 1000,
          startedAt,
        });
      }
      return response;
    },
  };
}
