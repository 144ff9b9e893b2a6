import {
  ORDER_SERVICE_ISSUER,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  type AssertionSigningKey,
  type AssertionVerificationKey,
} from '@emporium/auth';
import { loadConfig, readDatabaseUrl, readStackEndpoints, type EnvReader } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';

/** Settings the order subgraph and its worker share. */
export interface OrderDatabaseConfig {
  databaseUrl: string;
  logLevel: string;
}

/** The order subgraph's settings, read once at start-up. */
export interface OrderConfig extends OrderDatabaseConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  /** The router's public key (ROUTER_PUBLIC_KEY): subgraphs can check assertions, never sign them. */
  routerKey: AssertionVerificationKey;
  /** Signs checkout's calls to the cart service (ORDER_SERVICE_PRIVATE_KEY); the router's key cannot. */
  orderServiceKey: AssertionSigningKey;
  /** Where checkout reads the shopper's priced cart (the cart service's internal API). */
  cartServiceUrl: string;
  /** How long stock stays reserved for an unpaid order; the worker expires it afterwards. */
  reservationTtlSeconds: number;
  /** Unpaid orders a shopper may hold at once (the contract's abuse limit). */
  maxUnpaidOrders: number;
  /** Live order tracking hears status changes from the order topic. */
  brokers: string[];
  /** Live events one subscriber may have waiting before it is ended as too slow. */
  subscriberQueueLimit: number;
}

/** The order worker's settings: the saga consumer and the expiry sweeper. */
export interface OrderWorkerConfig extends OrderDatabaseConfig {
  /** Serves GET /health for the supervisor and orchestrators; the worker has no API. */
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  brokers: string[];
  /** How often the sweeper looks for unpaid orders whose reservation lapsed. */
  expirySweepSeconds: number;
}

const databaseSettings = (env: EnvReader): OrderDatabaseConfig => ({
  databaseUrl: readDatabaseUrl(env),
  logLevel: env.logLevel(),
});

export function readOrderConfig(source?: NodeJS.ProcessEnv): OrderConfig {
  return loadConfig(
    (env) => ({
      ...databaseSettings(env),
      port: env.int('ORDER_PORT', 4005, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'order'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      routerKey: env.parsed('ROUTER_PUBLIC_KEY', (value) => assertionVerificationKey(ROUTER_ISSUER, value)),
      orderServiceKey: env.parsed('ORDER_SERVICE_PRIVATE_KEY', (value) =>
        assertionSigningKey(ORDER_SERVICE_ISSUER, value),
      ),
      cartServiceUrl: env.url('CART_SERVICE_URL', 'http://127.0.0.1:4004'),
      reservationTtlSeconds: env.int('ORDER_RESERVATION_TTL_SECONDS', 900, { min: 1, max: 86_400 }),
      // The contract promises clients 5; only load tests that reuse a few shoppers raise it.
      maxUnpaidOrders: env.int('ORDER_MAX_UNPAID_PER_USER', 5, { min: 1, max: 10_000 }),
      brokers: readStackEndpoints(env).kafka.brokers,
      subscriberQueueLimit: env.int('ORDER_SUBSCRIBER_QUEUE_LIMIT', 256, { min: 1, max: 100_000 }),
    }),
    source,
  );
}

export function readOrderWorkerConfig(source?: NodeJS.ProcessEnv): OrderWorkerConfig {
  return loadConfig(
    (env) => ({
      ...databaseSettings(env),
      port: env.int('ORDER_WORKER_PORT', 4105, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'order-worker'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      brokers: readStackEndpoints(env).kafka.brokers,
      expirySweepSeconds: env.int('ORDER_EXPIRY_SWEEP_SECONDS', 5, { min: 1, max: 3600 }),
    }),
    source,
  );
}
