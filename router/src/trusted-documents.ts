import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';

/** Apollo Server prefixes the keys of its persisted-query cache with this. */
const APQ_PREFIX = 'apq:';

/**
 * The documents a client build registered: SHA-256 of the document text → the text, as the
 * storefront's build emits it (graphql-codegen's persisted-documents manifest, whose keys
 * may carry a `sha256:` prefix). Each entry
 * is checked on load, so a manifest whose hashes do not match its documents is refused at
 * start-up rather than trusted.
 */
export function loadTrustedDocuments(path: string): ReadonlyMap<string, string> {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${path} is not a JSON object of hash → document`);
  }
  const documents = new Map<string, string>();
  for (const [key, document] of Object.entries(raw)) {
    // graphql-codegen names the algorithm in the key (`sha256:<hex>`); APQ sends the bare hex.
    const hash = key.startsWith('sha256:') ? key.slice('sha256:'.length) : key;
    if (typeof document !== 'string' || createHash('sha256').update(document).digest('hex') !== hash) {
      throw new Error(`${path}: the entry ${key} is not the SHA-256 of its document`);
    }
    documents.set(hash, document);
  }
  return documents;
}

/**
 * Apollo's persisted queries (APQ) over the trusted documents first: a client that sends
 * only a registered hash is served from the manifest, never from what another client
 * registered. With `onlyTrusted` nothing else is kept, so APQ cannot register new
 * documents either. What clients register goes to `registered` (the replicas' shared cache,
 * see persisted-query-cache.ts), or to a bounded cache of this process when none is given.
 */
export class TrustedDocumentCache implements KeyValueCache {
  readonly #trusted: ReadonlyMap<string, string>;
  readonly #registered: KeyValueCache | null;

  constructor(trusted: ReadonlyMap<string, string>, onlyTrusted: boolean, registered?: KeyValueCache) {
    this.#trusted = trusted;
    // Bounded: APQ lets any client add entries.
    this.#registered = onlyTrusted ? null : (registered ?? new InMemoryLRUCache<string>({ maxSize: 8 * 1024 * 1024 }));
  }

  async get(key: string): Promise<string | undefined> {
    const hash = key.startsWith(APQ_PREFIX) ? key.slice(APQ_PREFIX.length) : key;
    return this.#trusted.get(hash) ?? (await this.#registered?.get(key));
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    await this.#registered?.set(key, value, options);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#registered?.delete(key)) ?? false;
  }
}

/**
 * Refuses, before any subgraph is called, an operation that is not a registered document,
 * as production runs with a known set of clients. The code is the one GraphOS's safelisting
 * uses for the same refusal, so clients may already handle it.
 */
export function trustedDocumentsPlugin<TContext extends BaseContext>(
  trusted: ReadonlyMap<string, string>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ queryHash }) {
          if (trusted.has(queryHash)) return;
          throw new GraphQLError('This operation is not one of the registered documents', {
            extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
          });
        },
      };
    },
  };
}
