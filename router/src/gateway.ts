import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import { ROUTER_ASSERTION_HEADER, signRouterAssertion, type Caller } from '@emporium/auth';
import { GraphQLError } from 'graphql';
import type { Logger } from '@emporium/logging';
import type { RouterConfig } from './config.ts';

/** What the router knows about each request, and hands on (signed) to the subgraphs. */
export interface RouterContext extends BaseContext {
  caller: Caller | null;
  requestId: string;
}

const isRouterContext = (context: unknown): context is RouterContext =>
  typeof context === 'object' && context !== null && 'requestId' in context;

/**
 * The gateway over the committed supergraph. Each subgraph call carries a router assertion
 * addressed to that subgraph; the client's own Authorization header is never forwarded.
 * Subgraph calls use Node's fetch, which keeps connections alive and pooled per origin.
 */
export function createGateway(config: RouterConfig, secret: Uint8Array, logger: Logger): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<RouterContext>({
        url: config.subgraphUrls[name] ?? url,
        fetcher: fetch,
        // Any non-2xx answer (a refused assertion: secret mismatch or clock skew) is our
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
            await signRouterAssertion(secret, name, { caller: identity.caller, requestId: identity.requestId }),
          );
        },
      }),
  });
}
