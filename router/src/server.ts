import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { routerSecret } from '@emporium/auth';
import { createErrorFormatter, createGraphQLHandler, jsonRoute, listen, serveRoutes } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { createTokenVerifier } from './auth.ts';
import type { RouterConfig } from './config.ts';
import { createGateway, type RouterContext } from './gateway.ts';
import { limitsPlugin } from './limits.ts';
import { RateLimiter } from './rate-limit.ts';
import { activeUpstreams } from './subscriptions/subgraph-client.ts';
import { serveSubscriptions } from './subscriptions/subscription-server.ts';
import { SubscriptionPlanner } from './subscriptions/subscription-planner.ts';

const REQUEST_ID = /^[\w-]{8,64}$/;

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
  const secret = routerSecret(config.routerSecret);
  const verifyToken = createTokenVerifier(config.jwksUrl);
  const limiter = new RateLimiter(config.rateLimit);
  const gateway = createGateway(config, secret, logger);
  // Subscriptions validate against the very schema the HTTP path serves, and plan over the
  // supergraph the gateway loaded, so both follow the gateway if its supergraph changes.
  let apiSchema: GraphQLSchema | null = null;
  let planner: SubscriptionPlanner | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema, coreSupergraphSdl }) => {
    planner = new SubscriptionPlanner(coreSupergraphSdl, config.subgraphUrls);
    apiSchema = schema;
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      limitsPlugin(config.limits),
    ],
  });
  await apollo.start();

  const graphql = createGraphQLHandler<RouterContext>({
    server: apollo,
    maxBodyBytes: config.limits.maxBodyBytes,
    context: async (req) => {
      const token = await verifyToken(req.headers.authorization);
      // A rejected token is charged to the address, so a flood of junk tokens is limited too.
      const address = `address:${req.socket.remoteAddress ?? 'unknown'}`;
      const decision = limiter.take(token && !(token instanceof Error) ? `user:${token.caller.userId}` : address);
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
      if (token instanceof Error) throw token;
      const caller = token?.caller ?? null;
      const given = req.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      return { caller, requestId };
    },
  });

  const subscriptions = serveSubscriptions({
    httpServer,
    schemas: { apiSchema: () => apiSchema, planner: () => planner },
    verifyToken,
    routerSecret: secret,
    limits: config.limits,
    limiter,
    logger,
  });

  serveRoutes(httpServer, {
    graphql,
    logger,
    routes: jsonRoute(SUBSCRIPTIONS_HEALTH_PATH, () => ({
      status: 'ok',
      clientSubscriptions: subscriptions.active(),
      upstreamSockets: activeUpstreams(),
    })),
  });

  return {
    httpServer,
    listen: async () => {
      await listen(httpServer, config.port, config.host);
      logger.info({ port: config.port }, 'router listening');
    },
    stop: async () => {
      // Client sockets first: closing them ends their subscriptions and the upstream sockets.
      await subscriptions.close();
      await apollo.stop();
    },
  };
}
