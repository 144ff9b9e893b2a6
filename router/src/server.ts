import { createServer, type Server } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  DRAIN_GRACE_MS,
  accessLog,
  createErrorFormatter,
  createGraphQLHandler,
  currentRequestId,
  jsonRoute,
  listen,
  operationLogFieldsPlugin,
  serveRoutes,
  withRequestId,
} from '@emporium/graphql-server';
import type { ChangeFollower } from '@emporium/kafka';
import { addLogFields, type Logger } from '@emporium/logging';
import type { Registry } from '@emporium/telemetry';
import { createTokenVerifier } from './auth.ts';
import { clientAddressOf } from './client-address.ts';
import type { RouterConfig } from './config.ts';
import { corsMiddleware } from './cors.ts';
import { CATALOGUE_SUBGRAPH, followCatalogueChanges } from './catalogue-changes.ts';
import { EntityCache } from './entity-cache.ts';
import { createGateway, type RouterContext } from './gateway.ts';
import { limitsPlugin } from './limits.ts';
import { createRouterTelemetry } from './telemetry.ts';
import { redisPersistedQueryCache } from './persisted-query-cache.ts';
import { TrustedDocumentCache, loadTrustedDocuments, trustedDocumentsPlugin } from './trusted-documents.ts';
import { redisRateLimiter } from './rate-limit.ts';
import { connectSharedRedis, redisReady } from './shared-redis.ts';
import { SessionRevocations } from './revocations.ts';
import { redisSocketCaps } from './subscriptions/socket-caps.ts';
import { serveSubscriptions } from './subscriptions/subscription-server.ts';
import { SubscriptionPlanner } from './subscriptions/subscription-planner.ts';

const rateLimited = (retryAfterSeconds: number): GraphQLError =>
  new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    },
  });

/** A started router: listen once, stop to drain in-flight requests and close. */
export interface Router {
  readonly httpServer: Server;
  /** The router's Prometheus metrics; the bootstrap serves them on the admin port. */
  readonly metrics: Registry;
  listen(): Promise<void>;
  stop(): Promise<void>;
}

/** Live subscription figures, so operators and tests can see that upstream sockets end. */
const SUBSCRIPTIONS_HEALTH_PATH = '/health/subscriptions';

/**
 * The router's HTTP server: the federated GraphQL endpoint on /graphql (Apollo Sandbox on
 * GET in development), liveness on /health, and subscription figures on
 * /health/subscriptions. Subscriptions upgrade to WebSocket on the same /graphql path,
 * which is why the server is a plain node:http one the WebSocket server can share.
 */
export async function createRouter(config: RouterConfig, logger: Logger): Promise<Router> {
  const httpServer = createServer();
  const revocations = new SessionRevocations({ ...config.revocations, logger });
  // Before serving: a starting router learns the sessions ended in the last token lifetime.
  await revocations.start();
  const verifyToken = createTokenVerifier(config.jwksUrl, revocations);
  const redis = connectSharedRedis(config.rateLimit.redisUrl, logger);
  // Briefly: a router whose Redis is away starts anyway, counting on its own (the client warns).
  await redisReady(redis, 2000);
  const limiter = redisRateLimiter({ ...config.rateLimit, redis });
  const caps = redisSocketCaps({ redis, logger });
  const addressOf = clientAddressOf(config.trustedProxies);
  // The entity cache trusts itself only while it follows the catalogue's changes.
  const { entityCache: cacheConfig } = config;
  let catalogue: ChangeFollower | undefined;
  const inSync = (): boolean => catalogue?.inSync() ?? false;
  const cache = cacheConfig.enabled
    ? new EntityCache({ subgraphs: [CATALOGUE_SUBGRAPH], maxBytesPerSubgraph: cacheConfig.maxBytesPerSubgraph, inSync })
    : undefined;
  if (cache) {
    catalogue = followCatalogueChanges({
      brokers: cacheConfig.kafkaBrokers,
      topicPrefix: cacheConfig.topicPrefix,
      cache,
      logger,
    });
  }
  // The counters live on the telemetry, which needs the gateway: they are looked up per fetch.
  const gateway = createGateway(config, config.signingKey, logger, {
    onSharedFetch: (subgraph) => {
      telemetry.countSharedFetch(subgraph);
    },
    ...(cache
      ? {
          cache,
          onCacheLookup: (subgraph, lookup) => {
            telemetry.countCacheLookup(subgraph, lookup);
          },
        }
      : {}),
  });
  const telemetry = createRouterTelemetry({ gateway, httpServer, subgraphUrlOverrides: config.subgraphUrls });
  if (cache) telemetry.observeEntityCache(() => cache.sizes(), inSync);
  // Subscriptions validate against the very schema the HTTP path serves, and plan over the
  // supergraph the gateway loaded, so both follow the gateway if its supergraph changes.
  let apiSchema: GraphQLSchema | null = null;
  let planner: SubscriptionPlanner | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema, coreSupergraphSdl }) => {
    planner = new SubscriptionPlanner(coreSupergraphSdl, config.subgraphUrls);
    apiSchema = schema;
  });
  const { manifestPath, only: onlyTrusted } = config.trustedDocuments;
  if (onlyTrusted && !manifestPath) throw new Error('TRUSTED_DOCUMENTS_ONLY needs TRUSTED_DOCUMENTS, the manifest');
  const trusted = manifestPath ? loadTrustedDocuments(manifestPath) : new Map<string, string>();
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    // Shared by the replicas: an APQ registration on one is served by hash on every other.
    persistedQueries: { cache: new TrustedDocumentCache(trusted, onlyTrusted, redisPersistedQueryCache({ redis })) },
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    // runUntilSignalled owns the signals: Apollo's handlers would re-raise them and exit 1.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: DRAIN_GRACE_MS }),
      config.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
      // Nothing about the API or its traffic leaves for Apollo's cloud, whatever APOLLO_KEY says.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      telemetry.plugin,
      operationLogFieldsPlugin<RouterContext>(),
      limitsPlugin(config.limits),
      ...(onlyTrusted ? [trustedDocumentsPlugin<RouterContext>(trusted)] : []),
    ],
  });
  await apollo.start();

  const graphql = createGraphQLHandler<RouterContext>({
    server: apollo,
    maxBodyBytes: config.limits.maxBodyBytes,
    context: async (req) => {
      const token = await verifyToken(req.headers.authorization);
      // A rejected token is charged to the address, so a flood of junk tokens is limited too.
      const clientAddress = addressOf(req);
      const address = `address:${clientAddress}`;
      const decision = await limiter.take(token && !(token instanceof Error) ? `user:${token.caller.userId}` : address);
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
      if (token instanceof Error) throw token;
      if (token) addLogFields({ callerId: token.caller.userId });
      // Identity throttles failed logins per client address too: the client's, not the balancer's.
      return {
        caller: token?.caller ?? null,
        // Always set: every request passes the request-id middleware first.
        requestId: currentRequestId() ?? '',
        ...(clientAddress === 'unknown' ? {} : { clientAddress }),
      };
    },
  });

  const subscriptions = serveSubscriptions({
    httpServer,
    schemas: { apiSchema: () => apiSchema, planner: () => planner },
    verifyToken,
    signingKey: config.signingKey,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    limits: config.limits,
    limiter,
    caps,
    addressOf,
    logger,
  });
  telemetry.observeSubscriptions(
    () => subscriptions.active(),
    () => subscriptions.upstreamSockets(),
  );

  // A socket opened with a token of a session that has since ended closes (4401), as on expiry.
  revocations.onRevoked((sessionIds) => subscriptions.endSessions(sessionIds));

  serveRoutes(httpServer, {
    graphql,
    logger,
    // The id first, so even a refused preflight or a 404 names its request.
    middleware: [
      async (req, res, next) => withRequestId(req, res, next),
      accessLog(logger),
      corsMiddleware(config.cors),
    ],
    routes: jsonRoute(SUBSCRIPTIONS_HEALTH_PATH, () => ({
      status: 'ok',
      clientSubscriptions: subscriptions.active(),
      upstreamSockets: subscriptions.upstreamSockets(),
    })),
  });

  return {
    httpServer,
    metrics: telemetry.registry,
    listen: async () => {
      await listen(httpServer, config.port, config.host);
      logger.info({ port: config.port }, 'router listening');
    },
    stop: async () => {
      revocations.stop();
      // Client sockets first: closing them ends their subscriptions and the upstream sockets.
      await subscriptions.close();
      await apollo.stop();
      await catalogue?.stop();
      caps.close();
      redis.disconnect();
      telemetry.close();
    },
  };
}
