import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { routerSecret } from '@emporium/auth';
import { createErrorFormatter, createGraphQLHandler, listen, serveRoutes } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { createTokenVerifier } from './auth.ts';
import type { RouterConfig } from './config.ts';
import { createGateway, type RouterContext } from './gateway.ts';
import { limitsPlugin } from './limits.ts';
import { RateLimiter } from './rate-limit.ts';

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

/**
 * The router's HTTP server: the federated GraphQL endpoint on /graphql (Apollo Sandbox on
 * GET in development) and liveness on /health. Subscriptions upgrade to WebSocket on the
 * same path, which is why the server is a plain node:http one the WebSocket server can share.
 */
export async function createRouter(config: RouterConfig, logger: Logger): Promise<Router> {
  const httpServer = createServer();
  const secret = routerSecret(config.routerSecret);
  const verifyToken = createTokenVerifier(config.jwksUrl);
  const limiter = new RateLimiter(config.rateLimit);
  const apollo = new ApolloServer<RouterContext>({
    gateway: createGateway(config, secret, logger),
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
      const caller = await verifyToken(req.headers.authorization);
      // A rejected token is charged to the address, so a flood of junk tokens is limited too.
      const address = `address:${req.socket.remoteAddress ?? 'unknown'}`;
      const decision = limiter.take(caller && !(caller instanceof Error) ? `user:${caller.userId}` : address);
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
      if (caller instanceof Error) throw caller;
      const given = req.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      return { caller, requestId };
    },
  });

  serveRoutes(httpServer, { graphql, logger });

  return {
    httpServer,
    listen: async () => {
      await listen(httpServer, config.port, config.host);
      logger.info({ port: config.port }, 'router listening');
    },
    stop: () => apollo.stop(),
  };
}
