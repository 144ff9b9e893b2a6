import { resolve } from 'node:path';
import { ROUTER_ISSUER, assertionSigningKey, type AssertionSigningKey } from '@emporium/auth';
import { loadConfig, readStackEndpoints } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';
import { trustedProxyProblems } from './client-address.ts';

/** The router's settings, read once at start-up. */
export interface RouterConfig {
  port: number;
  host: string;
  logLevel: string;
  /**
   * Prometheus metrics (GET /metrics) on a port of their own (ROUTER_ADMIN_PORT, by default
   * the public port + 100), so the public endpoint never serves them.
   */
  adminPort: number;
  /** OpenTelemetry tracing (the kit's OTEL_* variables). */
  tracing: TracingConfig;
  /** NODE_ENV=production: Sandbox and introspection default to off. */
  production: boolean;
  /** Apollo Sandbox on GET /graphql (ROUTER_SANDBOX); on only in development unless set. */
  sandbox: boolean;
  /** Schema introspection (ROUTER_INTROSPECTION); on only in development unless set. */
  introspection: boolean;
  supergraphPath: string;
  /** Per-subgraph URL overrides (SUBGRAPH_<NAME>_URL), else the URLs composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  /**
   * How long one subgraph call may take, answer included; longer than the subgraphs' own
   * budgets (database statements, search, the payment provider), so theirs fire first.
   */
  subgraphTimeoutMs: number;
  /**
   * Share identical subgraph query fetches already in flight (ROUTER_DEDUPLICATE_FETCHES, on by
   * default): same subgraph, query, variables and caller, answered once; see fetch-deduplication.ts.
   */
  deduplicateFetches: boolean;
  /**
   * Public subgraph answers kept in memory (ENTITY_CACHE, on by default), at most
   * ENTITY_CACHE_MAX_MB of answer text per subgraph, and dropped as the catalogue's change
   * stream (Debezium's topics under CATALOGUE_TOPIC_PREFIX, on KAFKA_BROKERS) reports changes.
   */
  entityCache: { enabled: boolean; maxBytesPerSubgraph: number; kafkaBrokers: string[]; topicPrefix: string };
  /** Where identity publishes the public keys of user tokens. */
  jwksUrl: string;
  /**
   * Identity's feed of ended sessions (IDENTITY_REVOCATIONS_URL, by default beside the JWKS),
   * polled every `pollIntervalMs` (REVOCATION_POLL_MS): a logout reaches this router within that.
   */
  revocations: { url: string; pollIntervalMs: number };
  /** The router's private key (ROUTER_PRIVATE_KEY): signs each subgraph call's assertion. */
  signingKey: AssertionSigningKey;
  limits: {
    maxDepth: number;
    maxFields: number;
    /** Cost by list sizes times nested selections (see limits.ts). */
    maxCost: number;
    maxBodyBytes: number;
    maxSubscriptionsPerConnection: number;
    maxWebSocketsPerUser: number;
    maxWebSocketsPerAddress: number;
    connectionInitTimeoutMs: number;
  };
  /**
   * Registered client documents (a manifest of SHA-256 → document); with `only`, the router
   * runs nothing else, as production does once its clients are known.
   */
  trustedDocuments: { manifestPath: string | undefined; only: boolean };
  /** Browser origins allowed to call the API (CORS). */
  cors: { origins: string[] };
  /**
   * Load balancers whose X-Forwarded-For the router believes (TRUSTED_PROXIES: addresses, CIDR
   * ranges, `loopback`...; none by default, so the TCP peer is the client). Per-client limits
   * then key on the client the balancer saw; see client-address.ts.
   */
  trustedProxies: string[];
  /** Requests per client (user, else address): sustained rate and burst, counted in Redis across replicas. */
  rateLimit: { perSecond: number; burst: number; redisUrl: string };
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
    const jwksUrl = env.url('IDENTITY_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json');
    const revocationsUrl = URL.canParse(jwksUrl) ? new URL('/sessions/revoked', jwksUrl).href : undefined;
    const port = env.int('ROUTER_PORT', 4000, { min: 1, max: 65535 });
    const trustedProxies = env.list('TRUSTED_PROXIES', []);
    const stack = readStackEndpoints(env);
    for (const problem of trustedProxyProblems(trustedProxies)) env.problem(problem);
    return {
      port,
      adminPort: env.int('ROUTER_ADMIN_PORT', port + 100, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'router'),
      // Loopback unless told otherwise: a container (or a proxy's host) sets 0.0.0.0 on purpose.
      host: env.string('ROUTER_HOST', '127.0.0.1'),
      logLevel: env.logLevel(),
      production: env.production,
      sandbox: env.bool('ROUTER_SANDBOX', !env.production),
      introspection: env.bool('ROUTER_INTROSPECTION', !env.production),
      supergraphPath: env.string(
        'SUPERGRAPH_PATH',
        resolve(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql'),
      ),
      subgraphUrls,
      subgraphTimeoutMs: env.int('SUBGRAPH_TIMEOUT_MS', 8000, { min: 100, max: 60_000 }),
      deduplicateFetches: env.bool('ROUTER_DEDUPLICATE_FETCHES', true),
      entityCache: {
        enabled: env.bool('ENTITY_CACHE', true),
        maxBytesPerSubgraph: env.int('ENTITY_CACHE_MAX_MB', 64, { min: 1, max: 4096 }) * 1024 * 1024,
        kafkaBrokers: stack.kafka.brokers,
        topicPrefix: env.string('CATALOGUE_TOPIC_PREFIX', 'cdc.catalogue'),
      },
      jwksUrl,
      revocations: {
        url: env.url('IDENTITY_REVOCATIONS_URL', revocationsUrl),
        // The contract promises a logout is honoured everywhere within 5 s.
        pollIntervalMs: env.int('REVOCATION_POLL_MS', 1000, { min: 100, max: 4000 }),
      },
      signingKey: env.parsed('ROUTER_PRIVATE_KEY', (value) => assertionSigningKey(ROUTER_ISSUER, value)),
      limits: {
        maxDepth: env.int('MAX_QUERY_DEPTH', 12, { min: 2 }),
        maxFields: env.int('MAX_QUERY_FIELDS', 500, { min: 10 }),
        // The contract's largest page (searchProducts, first: 100) costs 2,101: room for it
        // and a little more, not for a dozen such pages in one request.
        maxCost: env.int('MAX_QUERY_COST', 5000, { min: 100 }),
        maxBodyBytes: env.int('MAX_BODY_BYTES', 1024 * 1024, { min: 1024 }),
        // A page tracking a shopper's recent orders needs a handful; each one holds an upstream socket.
        maxSubscriptionsPerConnection: env.int('MAX_SUBSCRIPTIONS_PER_CONNECTION', 25, { min: 1 }),
        // A shopper with a few tabs and devices; every socket costs the router memory and an upstream.
        maxWebSocketsPerUser: env.int('MAX_WEBSOCKETS_PER_USER', 10, { min: 1 }),
        // Before sign-in only the address tells clients apart; generous, since a NAT hides many shoppers.
        maxWebSocketsPerAddress: env.int('MAX_WEBSOCKETS_PER_ADDRESS', 200, { min: 1 }),
        connectionInitTimeoutMs: env.int('WEBSOCKET_INIT_TIMEOUT_MS', 3000, { min: 100 }),
      },
      trustedDocuments: {
        manifestPath: env.optional('TRUSTED_DOCUMENTS'),
        only: env.bool('TRUSTED_DOCUMENTS_ONLY', false),
      },
      // The storefront's local origins; a deployment lists its own.
      cors: { origins: env.list('CORS_ORIGINS', ['http://127.0.0.1:3000', 'http://localhost:3000']) },
      trustedProxies,
      rateLimit: {
        perSecond: env.int('RATE_LIMIT_PER_SECOND', 100, { min: 1 }),
        burst: env.int('RATE_LIMIT_BURST', 200, { min: 1 }),
        redisUrl: stack.redis.url,
      },
    };
  }, source);
}
