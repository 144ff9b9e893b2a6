import { randomUUID } from 'node:crypto';
import {
  ROUTER_ASSERTION_HEADER,
  signRouterAssertion,
  type AssertionSigningKey,
  type RouterAssertion,
} from '@emporium/auth';
import type { Logger } from '@emporium/logging';
import { createClient, type Client, type Sink, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import { Flights, callerKey } from '../fetch-deduplication.ts';
import { subgraphFetcher, type Fetcher } from '../subgraph-fetcher.ts';
import type { JsonObject, SubgraphFetcher, SubgraphResponse } from './plan-executor.ts';

/** How often the router pings a subgraph socket, so a dead subgraph ends its subscriptions. */
const UPSTREAM_KEEP_ALIVE_MS = 15_000;

let openUpstreams = 0;

/** Subgraph WebSockets open right now, over all pools of this process. */
export const activeUpstreams = (): number => openUpstreams;

/** A subgraph's WebSocket URL: its GraphQL URL with http→ws. */
export const webSocketUrl = (httpUrl: string): string => httpUrl.replace(/^http(s?):/, 'ws$1:');

/** What the subgraph fetches of all subscriptions share: the HTTP client and the calls in flight. */
export interface SharedFetching {
  /** The gateway's subgraph client (keep-alive pool, timeout per call). */
  fetcher: Fetcher;
  flights: Flights<SubgraphResponse>;
}

/** The fetching one router process's subscriptions share. */
export const sharedFetching = (timeoutMs: number): SharedFetching => ({
  fetcher: subgraphFetcher(timeoutMs),
  flights: new Flights<SubgraphResponse>(),
});

/**
 * Calls subgraphs over HTTP the way the gateway's data sources do: a router assertion
 * addressed to each subgraph, for the subscription's caller; never the client's own token.
 * A non-2xx answer is the platform's failure, never passed on as the caller's.
 *
 * An event reaches every subscriber of an order at once, and each completes it with the same
 * fetch (the order's product names): while one is in flight for the same caller, an identical
 * one waits for it rather than going out again (see fetch-deduplication.ts).
 */
export function createSubgraphFetcher(
  subgraphUrl: (name: string) => string,
  signingKey: AssertionSigningKey,
  identity: RouterAssertion,
  logger: Logger,
  { fetcher, flights }: SharedFetching,
): SubgraphFetcher {
  const caller = callerKey(identity.caller);
  return (serviceName, request) =>
    flights.run(
      JSON.stringify([serviceName, caller, request.operationName ?? null, request.query, request.variables]),
      async () => {
        const response = await fetcher(subgraphUrl(serviceName), {
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
      },
    );
}

/** What an {@link EventStream} subscribes through: a graphql-ws client, or a caller's share of a pooled one. */
export interface Upstream {
  /** Starts one subscription; the function returned ends it (sending `complete`) if it is still running. */
  subscribe(payload: SubscribePayload, sink: Sink<SubgraphResponse>): () => void;
}

/** Options of {@link UpstreamPool}. */
export interface UpstreamPoolOptions {
  /** At most this many sockets to one subgraph address (default 16). */
  maxSockets?: number;
  /**
   * Another socket opens only when every open one carries this many subscriptions (default
   * 64): a few busy sockets rather than many idle ones, each costing a socket and its buffers
   * on both ends, yet a dead socket ends only its share of the subscriptions.
   */
  subscriptionsPerSocket?: number;
  keepAliveMs?: number;
}

/** One pooled socket and how many subscriptions it carries. */
interface PooledSocket {
  readonly client: Client;
  subscriptions: number;
}

/**
 * The router's WebSockets to subgraphs, shared by all client subscriptions: graphql-ws
 * multiplexes subscriptions on one socket, so a thousand subscribers need a handful of
 * upstream sockets rather than a thousand (each held a socket, its buffers and a graphql-ws
 * client in the router and in the subgraph). A socket is opened with the router's own
 * assertion, for no caller; each subscription names its caller with an assertion of its own
 * in the `subscribe` message's `extensions`, which the subgraph checks when it arrives.
 *
 * Sockets open lazily and close as soon as their last subscription ends. A socket that fails
 * is not retried: its subscriptions end (the clients resubscribe with `afterSequence`) and new
 * ones go to another socket.
 */
export class UpstreamPool {
  readonly #signingKey: AssertionSigningKey;
  readonly #maxSockets: number;
  readonly #perSocket: number;
  readonly #keepAliveMs: number;
  /** Open sockets by subgraph name and address (an address changes with the supergraph). */
  readonly #pools = new Map<string, PooledSocket[]>();

  constructor(signingKey: AssertionSigningKey, options: UpstreamPoolOptions = {}) {
    this.#signingKey = signingKey;
    this.#maxSockets = options.maxSockets ?? 16;
    this.#perSocket = options.subscriptionsPerSocket ?? 64;
    this.#keepAliveMs = options.keepAliveMs ?? UPSTREAM_KEEP_ALIVE_MS;
  }

  /** The share of the pool one client subscription uses: its subscriptions carry `assertion`. */
  upstream(serviceName: string, httpUrl: string, assertion: string): Upstream {
    return {
      subscribe: (payload, sink) => {
        const socket = this.#socketFor(serviceName, httpUrl);
        socket.subscriptions += 1;
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          socket.subscriptions -= 1;
          if (socket.subscriptions === 0) this.#drop(serviceName, httpUrl, socket);
        };
        const unsubscribe = socket.client.subscribe<JsonObject>(
          { ...payload, extensions: { ...payload.extensions, [ROUTER_ASSERTION_HEADER]: assertion } },
          {
            next: (value) => {
              sink.next(value);
            },
            error: (error: unknown) => {
              release();
              sink.error(error);
            },
            complete: () => {
              release();
              sink.complete();
            },
          },
        );
        return () => {
          unsubscribe();
          release();
        };
      },
    };
  }

  /** Sockets this pool holds to `serviceName` right now, open or opening. */
  sockets(serviceName: string): number {
    let count = 0;
    for (const [key, sockets] of this.#pools) if (key.startsWith(`${serviceName} `)) count += sockets.length;
    return count;
  }

  /** Closes every socket; their subscriptions end with an error. */
  async dispose(): Promise<void> {
    const all = [...this.#pools.values()].flat();
    this.#pools.clear();
    await Promise.all(
      all.map(async (socket) => {
        await socket.client.dispose();
      }),
    );
  }

  #socketFor(serviceName: string, httpUrl: string): PooledSocket {
    const key = `${serviceName} ${httpUrl}`;
    const sockets = this.#pools.get(key) ?? [];
    this.#pools.set(key, sockets);
    let least: PooledSocket | undefined;
    for (const socket of sockets) if (!least || socket.subscriptions < least.subscriptions) least = socket;
    if (least && (least.subscriptions < this.#perSocket || sockets.length >= this.#maxSockets)) return least;
    const socket: PooledSocket = {
      client: this.#connect(serviceName, httpUrl, () => {
        // No new subscription may land on a socket that has gone; its own end one by one.
        this.#remove(key, socket);
      }),
      subscriptions: 0,
    };
    sockets.push(socket);
    return socket;
  }

  #drop(serviceName: string, httpUrl: string, socket: PooledSocket): void {
    this.#remove(`${serviceName} ${httpUrl}`, socket);
    void socket.client.dispose();
  }

  #remove(key: string, socket: PooledSocket): void {
    const sockets = this.#pools.get(key);
    if (!sockets) return;
    const at = sockets.indexOf(socket);
    if (at >= 0) sockets.splice(at, 1);
    if (sockets.length === 0) this.#pools.delete(key);
  }

  /**
   * One graphql-ws client. The socket's own assertion is signed when it opens (it lives 25 s
   * and is checked only at connection_init). It opens with its first subscription; a failed
   * socket is not retried.
   */
  #connect(serviceName: string, httpUrl: string, onClosed: () => void): Client {
    let open = false;
    return createClient({
      url: webSocketUrl(httpUrl),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 0,
      keepAlive: this.#keepAliveMs,
      connectionParams: async (): Promise<JsonObject> => ({
        [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(this.#signingKey, serviceName, {
          caller: null,
          requestId: randomUUID(),
        }),
      }),
      on: {
        opened: () => {
          open = true;
          openUpstreams += 1;
        },
        closed: () => {
          if (open) openUpstreams -= 1;
          open = false;
          onClosed();
        },
      },
    });
  }
}
