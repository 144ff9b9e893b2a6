import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '@emporium/logging';

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

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
 * then any extra routes, and a JSON 404 for the rest. An unexpected failure answers a
 * generic 500 and is logged, never shown.
 */
export function serveRoutes(
  httpServer: Server,
  options: { graphql: (req: IncomingMessage, res: ServerResponse) => Promise<void>; routes?: Route; logger: Logger },
): void {
  httpServer.on('request', (req, res) => {
    const handle = async (): Promise<void> => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/health' && req.method === 'GET') json(res, 200, { status: 'ok' });
      else if (path === '/graphql') await options.graphql(req, res);
      else if (!(await options.routes?.(req, res))) json(res, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      options.logger.error({ err: error }, 'unhandled error serving a request');
      if (res.headersSent) res.end();
      else
        json(res, 500, {
          errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
    });
  });
}

/** Resolves once the server listens. */
export function listen(httpServer: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve) => httpServer.listen(port, host, resolve));
}
