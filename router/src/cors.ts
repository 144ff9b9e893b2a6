import cors from 'cors';
import type { Middleware } from '@emporium/graphql-server';

/**
 * CORS for browser clients on the allowed origins (the storefront's by default). Credentials
 * travel only in the Authorization header, never in cookies, so no origin is ever allowed
 * credentials; an origin not on the list gets no allow headers at all, and the browser
 * refuses it. Preflights are answered here and go no further.
 */
export function corsMiddleware(options: { origins: readonly string[] }): Middleware {
  const handle = cors({
    origin: [...options.origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'traceparent', 'apollo-require-preflight'],
    // What a client may read: its request's id for support, and when to retry after a refusal.
    exposedHeaders: ['x-request-id', 'retry-after'],
    credentials: false,
    maxAge: 600,
  });
  const allowed = new Set(options.origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) {
      // No CORS headers at all for a stranger; its preflight ends here, refused.
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        res.writeHead(403).end();
        return Promise.resolve();
      }
      return next();
    }
    return new Promise<void>((resolve, reject) => {
      handle(req, res, (error?: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error('CORS failed'));
        else next().then(resolve, reject);
      });
      // A preflight is answered (204) without calling back.
      if (res.writableEnded) resolve();
    });
  };
}
