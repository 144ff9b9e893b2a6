import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { addLogFields, currentLogFields, withLogFields, type Logger } from '@emporium/logging';
import { sendError } from './http.ts';
import { answerReadiness, type ReadinessChecks } from './readiness.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/**
 * Runs before every route of a server (request ids, CORS): calls `next` to go on, or
 * answers the request itself and does not.
 */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => Promise<void>) => Promise<void>;

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** A GET route answering JSON computed per request, e.g. a service's live figures under /health/…. */
export const jsonRoute =
  (path: string, body: () => unknown): Route =>
  (req, res) => {
    if (req.method !== 'GET' || req.url !== path) return false;
    json(res, 200, body());
    return true;
  };

/** Probes and scrapes: polled all day, so an access-log line each would bury the requests. */
const UNLOGGED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * One access-log line per request, when its response is finished: method, path, status and
 * duration, with the request's log fields (request id, operation, caller, trace id) that the
 * work learnt meanwhile. Its own log scope, so those fields never leak between requests.
 * `unloggedPaths` adds a server's own polled paths (identity's revocation feed, which every
 * router replica reads each second) to the probes and scrapes left out.
 */
export function accessLog(logger: Logger, options: { unloggedPaths?: readonly string[] } = {}): Middleware {
  const unlogged = new Set([...UNLOGGED_PATHS, ...(options.unloggedPaths ?? [])]);
  // Inside the request's scope when one is open already (the router names its requests first).
  const scoped = <T>(work: () => T): T => (currentLogFields() ? work() : withLogFields({}, work));
  return (req, res, next) =>
    scoped(() => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (!unlogged.has(path)) {
        const started = process.hrtime.bigint();
        // Bound to the request's async context: its log fields and its trace, whichever context finishes it.
        res.once(
          'finish',
          AsyncResource.bind(() => {
            const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
            logger.info(
              { method: req.method, path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 },
              'request',
            );
          }),
        );
      }
      return next();
    });
}

/** Names the operation on every later log line of its request (the access-log line among them). */
export function operationLogFieldsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operationName }) => {
        if (operationName) addLogFields({ operation: operationName });
      },
    }),
  };
}

/**
 * The routes every Emporium HTTP server has: GraphQL on /graphql, liveness on /health,
 * readiness on /ready (the process's own dependencies; 503 once it is shutting down),
 * then any extra routes, and a JSON 404 for the rest. An unexpected failure answers a
 * generic 500 and is logged, never shown.
 */
export function serveRoutes(
  httpServer: Server,
  options: {
    graphql: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    routes?: Route;
    /** What GET /ready checks; without any, ready until shutdown starts. */
    readiness?: ReadinessChecks;
    /** In order, before any route. */
    middleware?: readonly Middleware[];
    logger: Logger;
  },
): void {
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') json(res, 200, { status: 'ok' });
    else if (path === '/ready' && req.method === 'GET') await answerReadiness(res, options.readiness);
    else if (path === '/graphql') await options.graphql(req, res);
    else if (!(await options.routes?.(req, res))) json(res, 404, { error: 'not found' });
  };
  const chain = (options.middleware ?? []).reduceRight<(req: IncomingMessage, res: ServerResponse) => Promise<void>>(
    (next, middleware) => (req, res) => middleware(req, res, () => next(req, res)),
    route,
  );
  httpServer.on('request', (req, res) => {
    chain(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'unhandled error serving a request');
      if (res.headersSent) res.end();
      else sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    });
  });
}

/** Resolves once the server listens. */
export function listen(httpServer: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve) => httpServer.listen(port, host, resolve));
}
