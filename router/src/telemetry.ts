import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  Counter,
  DURATION_BUCKETS,
  Gauge,
  Histogram,
  createMetricsRegistry,
  operationMetricsPlugin,
  type Registry,
} from '@emporium/telemetry';
import { Kind, parse, type ConstValueNode } from 'graphql';
import type { CacheLookup } from './entity-cache.ts';
import type { RouterContext } from './gateway.ts';

/** The contract's abuse-limit refusals: answered before any subgraph is called. */
const REFUSAL_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'QUERY_TOO_COMPLEX']);

/** What undici publishes about each request it sends (Node's fetch included). */
interface UndiciRequest {
  origin: string | URL;
  path: string;
}

/** The router's metrics, and what feeds them. */
export interface RouterTelemetry {
  readonly registry: Registry;
  /** Requests, errors by code and durations per operation; refusals by code. */
  readonly plugin: ApolloServerPlugin<RouterContext>;
  /** Client subscriptions open now (the WebSocket server's count), read at each scrape. */
  observeSubscriptions(active: () => number, upstreamSockets: () => number): void;
  /** Counts a subgraph fetch answered by an identical one already in flight. */
  countSharedFetch(subgraph: string): void;
  /** Counts a query fetch's entity-cache lookup by what it came to (hit, miss, bypass). */
  countCacheLookup(subgraph: string, lookup: CacheLookup): void;
  /** The entity cache's answer text by subgraph and whether its change stream is followed, read at each scrape. */
  observeEntityCache(sizes: () => ReadonlyMap<string, number>, inSync: () => boolean): void;
  /** Stops listening to the process's outgoing requests. */
  close(): void;
}

const stringArgument = (value: ConstValueNode | undefined): string | undefined =>
  value?.kind === Kind.STRING ? value.value : undefined;

/** Subgraph name by the URL the gateway calls it at: `@join__graph(name, url)`, with the router's overrides. */
function subgraphsByUrl(supergraphSdl: string, overrides: Readonly<Record<string, string>>): Map<string, string> {
  const byUrl = new Map<string, string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((candidate) => candidate.name.value === 'join__graph');
      const argument = (name: string): string | undefined =>
        stringArgument(directive?.arguments?.find((candidate) => candidate.name.value === name)?.value);
      const name = argument('name');
      const url = name === undefined ? undefined : (overrides[name] ?? argument('url'));
      if (name !== undefined && url !== undefined && URL.canParse(url)) byUrl.set(requestKey(new URL(url)), name);
    }
  }
  return byUrl;
}

const requestKey = (url: URL): string => `${url.origin}${url.pathname}`;

/**
 * The router's Prometheus metrics: the kit's per-operation figures (`graphql_*`),
 * `router_refusals_total` by code (RATE_LIMITED, QUERY_TOO_COMPLEX),
 * `router_subgraph_fetch_duration_seconds` by subgraph and outcome,
 * `router_subgraph_fetches_shared_total` by subgraph (fetches not sent because an identical
 * one was in flight), `router_entity_cache_lookups_total` by subgraph and result, the entity
 * cache's size and whether it follows its change stream, and the WebSocket
 * figures (open sockets, client subscriptions, upstream subscription sockets), with Node's
 * own (event-loop lag among them).
 *
 * Subgraph calls are timed from undici's diagnostics channels, which Node's fetch publishes
 * for every request: the gateway's fetches and the subscription path's alike, with no hook
 * in either. Requests to anything but a subgraph URL are ignored.
 */
export function createRouterTelemetry(options: {
  gateway: ApolloGateway;
  httpServer: Server;
  subgraphUrlOverrides: Readonly<Record<string, string>>;
}): RouterTelemetry {
  const registry = createMetricsRegistry('router');
  const refusals = new Counter({
    name: 'router_refusals_total',
    help: 'Requests refused by an abuse limit before any work, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const fetches = new Histogram({
    name: 'router_subgraph_fetch_duration_seconds',
    help: 'Subgraph calls from sending to the last byte of the answer, by subgraph and outcome (ok, http_error, error)',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });

  const sharedFetches = new Counter({
    name: 'router_subgraph_fetches_shared_total',
    help: 'Subgraph query fetches not sent because an identical one (same query, variables and caller) was in flight, by subgraph',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });

  const cacheLookups = new Counter({
    name: 'router_entity_cache_lookups_total',
    help: 'Subgraph query fetches looked up in the entity cache, by subgraph and result (hit, miss, bypass while the change stream is not followed)',
    labelNames: ['subgraph', 'result'] as const,
    registers: [registry],
  });

  let sockets = 0;
  const onUpgrade = (_req: unknown, socket: { once(event: 'close', listener: () => void): unknown }): void => {
    sockets += 1;
    socket.once('close', () => {
      sockets -= 1;
    });
  };
  options.httpServer.on('upgrade', onUpgrade);
  new Gauge({
    name: 'router_websocket_connections',
    help: 'Open WebSocket connections (upgraded sockets) on the public port',
    registers: [registry],
    collect() {
      this.set(sockets);
    },
  });

  let subgraphs = new Map<string, string>();
  const stopFollowingSchema = options.gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    subgraphs = subgraphsByUrl(coreSupergraphSdl, options.subgraphUrlOverrides);
  });
  const inFlight = new WeakMap<object, { subgraph: string; started: number; status?: number }>();
  const subgraphOf = (request: UndiciRequest): string | undefined => {
    try {
      return subgraphs.get(requestKey(new URL(request.path, request.origin)));
    } catch {
      return undefined;
    }
  };
  const finish = (request: object, outcome?: string): void => {
    const entry = inFlight.get(request);
    if (!entry) return;
    inFlight.delete(request);
    const status = entry.status ?? 0;
    fetches.observe(
      { subgraph: entry.subgraph, outcome: outcome ?? (status >= 200 && status < 300 ? 'ok' : 'http_error') },
      (performance.now() - entry.started) / 1000,
    );
  };
  const channels: Record<string, (message: unknown) => void> = {
    'undici:request:create': (message) => {
      const { request } = message as { request: UndiciRequest };
      const subgraph = subgraphOf(request);
      if (subgraph !== undefined) inFlight.set(request, { subgraph, started: performance.now() });
    },
    'undici:request:headers': (message) => {
      const { request, response } = message as { request: object; response: { statusCode: number } };
      const entry = inFlight.get(request);
      if (entry) entry.status = response.statusCode;
    },
    'undici:request:trailers': (message) => {
      finish((message as { request: object }).request);
    },
    'undici:request:error': (message) => {
      finish((message as { request: object }).request, 'error');
    },
  };
  for (const [name, listener] of Object.entries(channels)) subscribe(name, listener);

  return {
    registry,
    plugin: operationMetricsPlugin<RouterContext>(registry, {
      onErrorCode: (code) => {
        if (REFUSAL_CODES.has(code)) refusals.inc({ code });
      },
    }),
    observeSubscriptions(active, upstreamSockets) {
      new Gauge({
        name: 'router_active_subscriptions',
        help: 'Client subscriptions open over WebSocket',
        registers: [registry],
        collect() {
          this.set(active());
        },
      });
      new Gauge({
        name: 'router_upstream_subscription_sockets',
        help: 'WebSockets the router holds open to subgraphs, each shared by many client subscriptions',
        registers: [registry],
        collect() {
          this.set(upstreamSockets());
        },
      });
    },
    countSharedFetch(subgraph) {
      sharedFetches.inc({ subgraph });
    },
    countCacheLookup(subgraph, lookup) {
      cacheLookups.inc({ subgraph, result: lookup });
    },
    observeEntityCache(sizes, inSync) {
      new Gauge({
        name: 'router_entity_cache_bytes',
        help: 'Answer text held by the entity cache, by subgraph (UTF-16 code units)',
        labelNames: ['subgraph'] as const,
        registers: [registry],
        collect() {
          for (const [subgraph, size] of sizes()) this.set({ subgraph }, size);
        },
      });
      new Gauge({
        name: 'router_entity_cache_in_sync',
        help: '1 while the entity cache follows its change stream and serves answers, 0 while it is bypassed',
        registers: [registry],
        collect() {
          this.set(inSync() ? 1 : 0);
        },
      });
    },
    close() {
      for (const [name, listener] of Object.entries(channels)) unsubscribe(name, listener);
      options.httpServer.off('upgrade', onUpgrade);
      stopFollowingSchema();
    },
  };
}
