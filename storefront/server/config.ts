import { fileURLToPath } from 'node:url';
import { loadConfig, type LogLevel } from '@emporium/config';

/** Where the storefront's sources live: the build reads them, the server serves `dist/` beside them. */
export const STOREFRONT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The storefront server's settings, read once at start-up. */
export interface StorefrontConfig {
  port: number;
  host: string;
  /** The build served, `storefront/dist` unless set (a container whose source tree is read-only builds elsewhere). */
  distDir: string;
  /** `auto`: build at start when the build is missing or older than its sources; `never`: serve what is there. */
  build: 'auto' | 'never';
  /** The router's GraphQL endpoint the browser calls, written into the served page so one build runs anywhere. */
  graphqlUrl: string;
  /** Other origins the page may call (CSP connect-src): the payment provider, where cards are tokenized. */
  connectOrigins: string[];
  logLevel: LogLevel;
}

export function readStorefrontConfig(source?: NodeJS.ProcessEnv): StorefrontConfig {
  return loadConfig(
    (env) => ({
      port: env.int('STOREFRONT_PORT', 3000, { min: 0, max: 65535 }),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      distDir: env.string('STOREFRONT_DIST', `${STOREFRONT_ROOT}dist`),
      build: env.oneOf('STOREFRONT_BUILD', ['auto', 'never'], 'auto'),
      graphqlUrl: env.url('STOREFRONT_GRAPHQL_URL', 'http://127.0.0.1:4000/graphql'),
      connectOrigins: env.list('STOREFRONT_CONNECT_ORIGINS', ['http://127.0.0.1:4900', 'http://localhost:4900']),
      logLevel: env.logLevel(),
    }),
    source,
  );
}
