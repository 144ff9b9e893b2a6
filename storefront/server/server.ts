/**
 * The storefront's HTTP server: the Vite build from `dist/` with cache headers that suit it
 * (hashed assets forever, the page itself revalidated), precompressed files when the browser
 * takes them, the page for every client-side route, strict security headers, and GET /health
 * for the supervisor. createStorefrontServer is exported so tests can start it in-process.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { listen } from '@emporium/graphql-server';
import { createLogger, type Logger } from '@emporium/logging';

export interface StorefrontServerOptions {
  distDir: string;
  /** The router's GraphQL endpoint, written into the page for the app to call. */
  graphqlUrl: string;
  /** Origins the page may call besides the API: the payment provider's tokenization endpoint. */
  connectOrigins: readonly string[];
  logger?: Logger;
}

export interface StorefrontServer {
  httpServer: Server;
  listen(port: number, host?: string): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
}

/** The placeholder the page carries (index.html) until the server fills in the endpoint. */
const API_META = /<meta name="emporium-graphql-url" content="[^"]*"\s*\/?>/;

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The same origin over WebSocket: subscriptions go to the router's /graphql as ws(s)://. */
const webSocketOrigin = (origin: string): string => origin.replace(/^http/, 'ws');

/**
 * Only this site's own scripts run (so an injected script cannot read the session), and the page
 * talks only to the API and the payment provider; it cannot be framed (clickjacking on checkout).
 */
export function contentSecurityPolicy(graphqlUrl: string, connectOrigins: readonly string[]): string {
  const api = new URL(graphqlUrl).origin;
  const connect = ["'self'", api, webSocketOrigin(api), ...connectOrigins];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Product images come from the catalogue's media host, whichever it is.
    "img-src 'self' https: http: data:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function createStorefrontServer(options: StorefrontServerOptions): StorefrontServer {
  const logger = options.logger ?? createLogger('storefront', { level: 'silent' });
  const page = readFileSync(join(options.distDir, 'index.html'), 'utf8');
  if (!API_META.test(page)) throw new Error(`${options.distDir}/index.html has no emporium-graphql-url meta tag`);
  const html = page.replace(
    API_META,
    `<meta name="emporium-graphql-url" content="${escapeAttribute(options.graphqlUrl)}" />`,
  );
  const securityHeaders: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(options.graphqlUrl, options.connectOrigins),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };

  const assets = sirv(options.distDir, {
    etag: true,
    gzip: true,
    brotli: true,
    // Vite names every asset by its content's hash: a changed file is a new URL.
    setHeaders: (res, pathname) => {
      res.setHeader(
        'cache-control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
      );
    },
  });

  const sendPage = (req: IncomingMessage, res: ServerResponse): void => {
    // Always revalidated, so a new build's asset names reach browsers at once.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : html);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const path = new URL(req.url ?? '/', 'http://storefront.invalid').pathname;
    res.on('finish', () => {
      if (path !== '/health') {
        logger.debug({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) });
      }
    });
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/' || path === '/index.html') {
      sendPage(req, res);
      return;
    }
    assets(req, res, () => {
      // A client-side route (/products/…, /orders/…) gets the page; a missing file a plain 404.
      if (!path.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(path)) sendPage(req, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    });
  };

  const httpServer = createServer(handle);
  return {
    httpServer,
    listen: (port, host = '127.0.0.1') => listen(httpServer, port, host),
    async stop() {
      if (!httpServer.listening) return;
      const closed = new Promise((resolve) => httpServer.close(resolve));
      httpServer.closeIdleConnections();
      await closed;
    },
    get url() {
      const address = httpServer.address();
      if (address === null || typeof address === 'string') throw new Error('the storefront server is not listening');
      return `http://${address.address}:${address.port}`;
    },
  };
}
