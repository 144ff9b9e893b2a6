import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import { ROUTER_ASSERTION_HEADER, signRouterAssertion, type AssertionSigningKey, type Caller } from '@emporium/auth';
import { GraphQLError } from 'graphql';
import { isDependencyFailure, serviceUnavailable } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import type { RouterConfig } from './config.ts';
import { cacheFetches, type CacheLookup, type EntityCache } from './entity-cache.ts';
import { deduplicateFetches } from './fetch-deduplication.ts';
import { subgraphFetcher } from './subgraph-fetcher.ts';

/** What the router knows about each request, and hands on (signed) to the subgraphs. */
export interface RouterContext extends BaseContext {
  caller: Caller | null;
  requestId: string;
  /** The client's address (the socket's peer), signed on so subgraphs can limit per client. */
  clientAddress?: string;
}

const isRouterContext = (context: unknown): context is RouterContext =>
  typeof context === 'object' && context !== null && 'requestId' in context;

/**
 * The gateway over the committed supergraph. Each subgraph call carries a router assertion
 * addressed to that subgraph; the client's own Authorization header is never forwarded.
 * Subgraph calls go through undici's keep-alive pool (see subgraph-fetcher.ts).
 * Each call has `config.subgraphTimeoutMs` to answer in full; a subgraph that is down or too
 * slow fails only the fields it owns, with SERVICE_UNAVAILABLE, and the rest still arrives.
 * An identical query fetch already in flight for the same caller is shared, not sent again,
 * and a public answer kept in the entity cache is served from there (see entity-cache.ts).
 */
export function createGateway(
  config: RouterConfig,
  signingKey: AssertionSigningKey,
  logger: Logger,
  hooks: {
    /** Called for each subgraph fetch answered by an identical one in flight (see fetch-deduplication.ts). */
    onSharedFetch?: (subgraph: string) => void;
    /** Public subgraph answers, kept while the change stream is followed; none when absent. */
    cache?: EntityCache;
    /** Called for each query fetch with what its cache lookup came to. */
    onCacheLookup?: (subgraph: string, lookup: CacheLookup) => void;
  } = {},
): ApolloGateway {
  // @apollo/gateway exports usage figures of its own to Apollo's cloud (and probes cloud
  // metadata services) unless this variable says no; it has no option for it. The platform
  // sends nothing to third parties, so it is off whatever the environment says.
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  const fetcher = subgraphFetcher(config.subgraphTimeoutMs);
  return new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name, url }) => {
      const source = new RemoteGraphQLDataSource<RouterContext>({
        url: config.subgraphUrls[name] ?? url,
        fetcher,
        // A subgraph's Cache-Control says how long the router may keep its answer (the entity
        // cache); it is not passed on to clients, whose caches the change stream cannot reach.
        honorSubgraphCacheControlHeader: false,
        // A refused connection or a timeout (see subgraph-fetcher.ts) is the subgraph's outage, not
        // our bug: say so, and keep its address and the error's details in the log.
        didEncounterError: (error) => {
          if (!isDependencyFailure(error)) throw error;
          logger.warn({ err: error, subgraph: name }, 'subgraph unavailable');
          throw serviceUnavailable();
        },
        // Any non-2xx answer (a refused assertion: key mismatch or clock skew) is our
        // failure, not the caller's: never pass a subgraph's 401 on as UNAUTHENTICATED.
        errorFromResponse: async (response) => {
          logger.error({ subgraph: name, status: response.status }, 'subgraph refused a router request');
          return new GraphQLError(`${name} answered HTTP ${response.status}`, {
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          });
        },
        willSendRequest: async ({ request, context }) => {
          const identity = isRouterContext(context) ? context : { caller: null, requestId: 'gateway' };
          request.http?.headers.set(
            ROUTER_ASSERTION_HEADER,
            await signRouterAssertion(signingKey, name, {
              caller: identity.caller,
              requestId: identity.requestId,
              ...(identity.clientAddress ? { clientAddress: identity.clientAddress } : {}),
            }),
          );
        },
      });
      const { onSharedFetch, cache, onCacheLookup } = hooks;
      const shared = config.deduplicateFetches
        ? deduplicateFetches(source, { subgraph: name, ...(onSharedFetch ? { onShared: onSharedFetch } : {}) })
        : source;
      // The cache first: a hit needs no flight, and a miss may still join one.
      return cache?.covers(name)
        ? cacheFetches(shared, { subgraph: name, cache, ...(onCacheLookup ? { onLookup: onCacheLookup } : {}) })
        : shared;
    },
  });
}
