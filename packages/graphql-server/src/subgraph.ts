import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, OperationTypeNode, type GraphQLSchema } from 'graphql';
import {
  InvalidAssertionError,
  ROUTER_ASSERTION_HEADER,
  verifyRouterAssertion,
  type AssertionVerificationKey,
  type Caller,
} from '@emporium/auth';
import { addLogFields, type Logger } from '@emporium/logging';
import { createMetricsRegistry, metricsRoute, operationMetricsPlugin, type Registry } from '@emporium/telemetry';
import { createErrorFormatter } from './errors.ts';
import { createGraphQLHandler } from './http.ts';
import { DRAIN_GRACE_MS } from './lifecycle.ts';
import type { ReadinessChecks } from './readiness.ts';
import { accessLog, listen, operationLogFieldsPlugin, serveRoutes, type Route } from './routes.ts';

/** What every subgraph context starts from: the verified caller, the request's id and the client's address. */
export interface RequestIdentity {
  caller: Caller | null;
  requestId: string;
  /** The client's IP address as the router saw it (a valid IP or absent), for limits per client. */
  clientAddress?: string;
}

export interface SubgraphServerOptions<TContext extends BaseContext> {
  /** The subgraph's name in the supergraph; router assertions are addressed to it. */
  name: string;
  schema: GraphQLSchema;
  /** The router's public key(s): the only signer whose assertions this subgraph accepts. */
  routerKey: AssertionVerificationKey;
  logger: Logger;
  /** Builds the per-request context (fork the EntityManager, create loaders) once the caller is known. */
  context: (identity: RequestIdentity) => TContext | Promise<TContext>;
  /** Extra HTTP routes (e.g. identity's JWKS); return true when the request was handled. */
  routes?: Route;
  /** Paths of `routes` that machines poll all day: no access-log line each. */
  unloggedPaths?: readonly string[];
  /** The subgraph's own dependencies, checked by GET /ready (e.g. its database). */
  readiness?: ReadinessChecks;
  /**
   * The process's metrics, served on GET /metrics with each operation's count, errors and
   * duration; a registry of its own (labelled with `name`) when not given.
   */
  metrics?: Registry;
  /** Apollo Server plugins of the subgraph's own, after the kit's. */
  plugins?: readonly ApolloServerPlugin<TContext>[];
  /**
   * Every query answer of this subgraph is public (the same for every caller) and may be kept
   * this long: answers say `Cache-Control: max-age=N, public`, which the router's entity cache
   * honours. Unset, answers say `no-store` (Apollo Server's default).
   */
  publicMaxAgeSeconds?: number;
}

/**
 * Marks every query answer public for `seconds` (Apollo Server's cache hints, defaulting every
 * field to that age) and every mutation answer uncacheable: a mutation's answer reports what
 * it did, not data anyone may read again.
 */
function publicAnswers<TContext extends BaseContext>(seconds: number): ApolloServerPlugin<TContext>[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge: seconds }),
    {
      async requestDidStart() {
        return {
          async didResolveOperation({ operation, overallCachePolicy }) {
            if (operation?.operation !== OperationTypeNode.QUERY) overallCachePolicy.restrict({ maxAge: 0 });
          },
        };
      },
    },
  ];
}

export interface SubgraphServer {
  readonly httpServer: Server;
  /** Where the subgraph's series live: register more on it (pools, consumers). */
  readonly metrics: Registry;
  listen(port: number, host: string): Promise<void>;
  stop(): Promise<void>;
}

const rejected = (): GraphQLError =>
  new GraphQLError('Requests to this service must come through the router', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

/**
 * A subgraph's HTTP server: GraphQL on /graphql for requests that carry a valid router
 * assertion, /health and /ready for the supervisor and load balancers, /metrics for
 * Prometheus, the subgraph's own routes, nothing else. Subgraphs are
 * internal, so introspection and the landing page are off.
 */
export async function createSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const logger = options.logger;
  const httpServer = createServer();
  const metrics = options.metrics ?? createMetricsRegistry(options.name);
  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    introspection: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    // runUntilSignalled owns the signals: Apollo's handlers would re-raise them and exit 1.
    stopOnTerminationSignals: false,
    // No Apollo Studio here: inline traces would only add work to every request, and no
    // usage or schema report leaves for Apollo's cloud even if APOLLO_KEY is set.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: DRAIN_GRACE_MS }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      operationMetricsPlugin<TContext>(metrics),
      operationLogFieldsPlugin<TContext>(),
      ...(options.publicMaxAgeSeconds === undefined ? [] : publicAnswers<TContext>(options.publicMaxAgeSeconds)),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  const graphql = createGraphQLHandler<TContext>({
    server: apollo,
    context: async (req) => {
      const header = req.headers[ROUTER_ASSERTION_HEADER];
      try {
        const identity = await verifyRouterAssertion(
          options.routerKey,
          options.name,
          Array.isArray(header) ? header[0] : header,
        );
        const requestId = identity.requestId || randomUUID();
        // The router's request id and the caller, on every log line of this request from here on.
        addLogFields({ requestId, ...(identity.caller ? { callerId: identity.caller.userId } : {}) });
        return await options.context({ ...identity, requestId });
      } catch (error) {
        if (error instanceof InvalidAssertionError) {
          logger.warn(
            { reason: error.message, remote: req.socket.remoteAddress },
            'request without a valid router assertion',
          );
          throw rejected();
        }
        throw error;
      }
    },
  });

  const metricsOrNot = metricsRoute(metrics);
  const routes = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    (await metricsOrNot(req, res)) || ((await options.routes?.(req, res)) ?? false);
  serveRoutes(httpServer, {
    graphql,
    routes,
    readiness: options.readiness,
    logger,
    middleware: [accessLog(logger, { unloggedPaths: options.unloggedPaths ?? [] })],
  });

  return {
    httpServer,
    metrics,
    listen: async (port, host) => {
      await listen(httpServer, port, host);
      logger.info({ port }, `${options.name} subgraph listening`);
    },
    stop: () => apollo.stop(),
  };
}
