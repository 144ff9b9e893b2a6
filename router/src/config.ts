import { resolve } from 'node:path';
import { loadConfig } from '@emporium/config';

/** The router's settings, read once at start-up. */
export interface RouterConfig {
  port: number;
  host: string;
  logLevel: string;
  /** Production turns off Apollo Sandbox and introspection. */
  production: boolean;
  supergraphPath: string;
  /** Per-subgraph URL overrides (SUBGRAPH_<NAME>_URL), else the URLs composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Where identity publishes the public keys of user tokens. */
  jwksUrl: string;
  routerSecret: string;
  limits: { maxDepth: number; maxFields: number; maxBodyBytes: number; maxSubscriptionsPerConnection: number };
  /** Requests per client (user, else address): sustained rate and burst. */
  rateLimit: { perSecond: number; burst: number };
}

const SUBGRAPH_URL = /^SUBGRAPH_([A-Z]+)_URL$/;

/** Reads and validates the router's settings; throws a ConfigError listing every problem. */
export function readRouterConfig(source: NodeJS.ProcessEnv = process.env): RouterConfig {
  return loadConfig((env) => {
    const subgraphUrls: Record<string, string> = {};
    for (const name of Object.keys(source)) {
      const match = SUBGRAPH_URL.exec(name);
      if (match?.[1]) subgraphUrls[match[1].toLowerCase()] = env.url(name);
    }
    return {
      port: env.int('ROUTER_PORT', 4000, { min: 1, max: 65535 }),
      host: env.string('ROUTER_HOST', '0.0.0.0'),
      logLevel: env.logLevel(),
      production: env.string('NODE_ENV', 'development') === 'production',
      supergraphPath: env.string(
        'SUPERGRAPH_PATH',
        resolve(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql'),
      ),
      subgraphUrls,
      jwksUrl: env.url('IDENTITY_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
      routerSecret: env.string('ROUTER_SIGNING_SECRET'),
      limits: {
        maxDepth: env.int('MAX_QUERY_DEPTH', 12, { min: 2 }),
        maxFields: env.int('MAX_QUERY_FIELDS', 500, { min: 10 }),
        maxBodyBytes: env.int('MAX_BODY_BYTES', 1024 * 1024, { min: 1024 }),
        // A page tracking a shopper's recent orders needs a handful; each one holds an upstream socket.
        maxSubscriptionsPerConnection: env.int('MAX_SUBSCRIPTIONS_PER_CONNECTION', 25, { min: 1 }),
      },
      rateLimit: {
        perSecond: env.int('RATE_LIMIT_PER_SECOND', 100, { min: 1 }),
        burst: env.int('RATE_LIMIT_BURST', 200, { min: 1 }),
      },
    };
  }, source);
}
