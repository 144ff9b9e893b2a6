import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '@emporium/logging';
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
