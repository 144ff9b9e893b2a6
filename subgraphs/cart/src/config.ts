import {
  ORDER_SERVICE_ISSUER,
  ROUTER_ISSUER,
  assertionVerificationKey,
  type AssertionVerificationKey,
} from '@emporium/auth';
import { loadConfig, readDatabaseUrl, readStackEndpoints, type EnvReader } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';
import { CATALOGUE_PRODUCTS_TOPIC } from './events/product-changed.event.ts';

/** Settings the cart subgraph and its worker share. */
interface CartCommonConfig {
  host: string;
  databaseUrl: string;
  logLevel: string;
}

/** The cart subgraph's settings, read once at start-up. */
export interface CartConfig extends CartCommonConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  /** The router's public key (ROUTER_PUBLIC_KEY): subgraphs can check assertions, never sign them. */
  routerKey: AssertionVerificationKey;
  /** The order service's public key (ORDER_SERVICE_PUBLIC_KEY): the only caller of the checkout snapshot. */
  orderServiceKey: AssertionVerificationKey;
  /** Most units of one product a cart line may hold. */
  maxLineQuantity: number;
}

/** The cart worker's settings: the catalogue replica and the inventory side of the order saga. */
export interface CartWorkerConfig extends CartCommonConfig {
  /** Serves GET /health for the supervisor and orchestrators; the worker has no API. */
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  brokers: string[];
  /** The product table's change stream (cdc-connectors/catalogue.json). */
  catalogueTopic: string;
  /** Days a guest cart may go without a change before the expiry job deletes it. */
  guestCartTtlDays: number;
  /** How often the expiry job looks for guest carts past their time. */
  guestCartSweepSeconds: number;
}

const common = (env: EnvReader): CartCommonConfig => ({
  host: env.string('SERVICE_HOST', '127.0.0.1'),
  databaseUrl: readDatabaseUrl(env),
  logLevel: env.logLevel(),
});

export function readCartConfig(source?: NodeJS.ProcessEnv): CartConfig {
  return loadConfig(
    (env) => ({
      ...common(env),
      port: env.int('CART_PORT', 4004, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'cart'),
      routerKey: env.parsed('ROUTER_PUBLIC_KEY', (value) => assertionVerificationKey(ROUTER_ISSUER, value)),
      orderServiceKey: env.parsed('ORDER_SERVICE_PUBLIC_KEY', (value) =>
        assertionVerificationKey(ORDER_SERVICE_ISSUER, value),
      ),
      maxLineQuantity: env.int('MAX_LINE_QUANTITY', 100, { min: 1, max: 10_000 }),
    }),
    source,
  );
}

export function readCartWorkerConfig(source?: NodeJS.ProcessEnv): CartWorkerConfig {
  return loadConfig(
    (env) => ({
      ...common(env),
      port: env.int('CART_WORKER_PORT', 4104, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'cart-worker'),
      brokers: readStackEndpoints(env).kafka.brokers,
      catalogueTopic: env.string('CATALOGUE_TOPIC', CATALOGUE_PRODUCTS_TOPIC),
      guestCartTtlDays: env.int('GUEST_CART_TTL_DAYS', 7, { min: 1, max: 90 }),
      guestCartSweepSeconds: env.int('GUEST_CART_SWEEP_SECONDS', 600, { min: 1, max: 86_400 }),
    }),
    source,
  );
}
