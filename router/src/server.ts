import { createServer, type Server } from 'node:http';
import type { Logger } from '@emporium/logging';
import type { RouterConfig } from './config.ts';

/**
 * The router's HTTP server. It answers liveness on /health; the federated GraphQL endpoint
 * and its WebSocket upgrade mount on the same server at /graphql.
 */
export function createRouterServer(_config: RouterConfig, logger: Logger): Server {
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    logger.debug({ method: req.method, url: req.url }, 'no route');
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
  });
}
