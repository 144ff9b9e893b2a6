import { ROUTER_ISSUER, assertionVerificationKey, type AssertionVerificationKey } from '@emporium/auth';
import { loadConfig, readStackEndpoints, serviceDatabaseUrl, type EnvReader } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';

/** Settings every search process shares: where the index is and what it is called. */
export interface SearchIndexConfig {
  elasticsearchUrl: string;
  /** The alias searches read and the indexer writes; versioned indices sit behind it. */
  indexAlias: string;
  logLevel: string;
}

/** The search subgraph's settings, read once at start-up. */
export interface SearchConfig extends SearchIndexConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  /** The router's public key (ROUTER_PUBLIC_KEY): subgraphs can check assertions, never sign them. */
  routerKey: AssertionVerificationKey;
  /**
   * A search waits this long for Elasticsearch, then fails with SERVICE_UNAVAILABLE: a stuck
   * cluster must not hold requests. With the rest of the path it stays within two seconds
   * of the client's request, even on a busy machine.
   */
  requestTimeoutMs: number;
}

/** The indexer's settings. */
export interface IndexerConfig extends SearchIndexConfig {
  /** Serves GET /health for the supervisor and orchestrators; the indexer has no API. */
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  brokers: string[];
  groupId: string;
  /** Debezium's `topic.prefix` of the catalogue connector (cdc-connectors/catalogue.json). */
  topicPrefix: string;
  /** The topic of the cart service's inventory table (cdc-connectors/cart.json). */
  stockTopic: string;
}

/** The reindex tool's settings: it reads the catalogue straight from the product database. */
export interface ReindexConfig extends SearchIndexConfig {
  productDatabaseUrl: string;
}

const indexSettings = (env: EnvReader): SearchIndexConfig => ({
  elasticsearchUrl: readStackEndpoints(env).elasticsearch.url,
  indexAlias: env.string('SEARCH_INDEX', 'products'),
  logLevel: env.logLevel(),
});

export function readSearchConfig(source?: NodeJS.ProcessEnv): SearchConfig {
  return loadConfig(
    (env) => ({
      ...indexSettings(env),
      port: env.int('SEARCH_PORT', 4003, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'search'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      routerKey: env.parsed('ROUTER_PUBLIC_KEY', (value) => assertionVerificationKey(ROUTER_ISSUER, value)),
      requestTimeoutMs: env.int('SEARCH_TIMEOUT_MS', 1200, { min: 100, max: 30_000 }),
    }),
    source,
  );
}

export function readIndexerConfig(source?: NodeJS.ProcessEnv): IndexerConfig {
  return loadConfig(
    (env) => ({
      ...indexSettings(env),
      port: env.int('SEARCH_INDEXER_PORT', 4103, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'search-indexer'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      brokers: readStackEndpoints(env).kafka.brokers,
      groupId: env.string('SEARCH_INDEXER_GROUP', 'search-indexer'),
      topicPrefix: env.string('CATALOGUE_TOPIC_PREFIX', 'cdc.catalogue'),
      stockTopic: env.string('STOCK_TOPIC', 'cdc.cart.public.inventory'),
    }),
    source,
  );
}

export function readReindexConfig(source?: NodeJS.ProcessEnv): ReindexConfig {
  return loadConfig(
    (env) => ({
      ...indexSettings(env),
      productDatabaseUrl: serviceDatabaseUrl(readStackEndpoints(env).postgres.url, 'product'),
    }),
    source,
  );
}
