import {
  ROUTER_ASSERTION_HEADER,
  signRouterAssertion,
  type AssertionSigningKey,
  type RouterAssertion,
} from '@emporium/auth';
import type { Logger } from '@emporium/logging';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { JsonObject, SubgraphFetcher, SubgraphResponse } from './plan-executor.ts';

/** How often the router pings a subgraph socket, so a dead subgraph ends its subscriptions. */
const UPSTREAM_KEEP_ALIVE_MS = 15_000;

let openUpstreams = 0;

/** Subgraph WebSockets open right now (one per client subscription being served). */
export const activeUpstreams = (): number => openUpstreams;

/** A subgraph's WebSocket URL: its GraphQL URL with http→ws. */
export const webSocketUrl = (httpUrl: string): string => httpUrl.replace(/^http(s?):/, 'ws$1:');

/**
 * Calls subgraphs over HTTP the way the gateway's data sources do: a router assertion
 * addressed to each subgraph, for the subscription's caller; never the client's own token.
 * A non-2xx answer is the platform's failure, never passed on as the caller's.
 */
export function createSubgraphFetcher(
  subgraphUrl: (name: string) => string,
  signingKey: AssertionSigningKey,
  identity: RouterAssertion,
  logger: Logger,
): SubgraphFetcher {
  return async (serviceName, request) => {
    const response = await fetch(subgraphUrl(serviceName), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(signingKey, serviceName, identity),
      },
      body: JSON.stringify(request),
    });
    if (!response.ok) {
      logger.error({ subgraph: serviceName, status: response.status }, 'subgraph refused a router request');
      throw new Error(`${serviceName} answered HTTP ${response.status}`);
    }
    return (await response.json()) as SubgraphResponse;
  };
}

/**
 * One graphql-ws client to a subgraph, for one client subscription. The assertion is signed
 * when the socket opens (it lives 25 s and is checked only at connection_init). The socket
 * opens with the first subscription and closes as soon as it ends (lazy, no linger), and a
 * failed socket is not retried: the client's subscription ends and the client resubscribes.
 */
export function connectUpstream(
  serviceName: string,
  httpUrl: string,
  signingKey: AssertionSigningKey,
  identity: RouterAssertion,
): Client {
  let open = false;
  return createClient({
    url: webSocketUrl(httpUrl),
    webSocketImpl: WebSocket,
    lazy: true,
    lazyCloseTimeout: 0,
    retryAttempts: 0,
    keepAlive: UPSTREAM_KEEP_ALIVE_MS,
    connectionParams: async (): Promise<JsonObject> => ({
      [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(signingKey, serviceName, identity),
    }),
    on: {
      opened: () => {
        open = true;
        openUpstreams += 1;
      },
      closed: () => {
        if (open) openUpstreams -= 1;
        open = false;
      },
    },
  });
}
