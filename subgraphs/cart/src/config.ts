import { loadConfig, readStackEndpoints, type EnvReader } from '@emporium/config';
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
  routerSecret: string;
  /** Most units of one product a cart line may hold. */
  maxLineQuantity: number;
}

/** The cart worker's settings: the catalogue replica and the inventory side of the order saga. */
export interface CartWorkerConfig extends CartCommonConfig {
  /** Serves GET /health for the supervisor and orchestrators; the worker has no API. */
  port: number;
  brokers: string[];
  /** The product table's change stream (cdc-connectors/catalogue.json). */
  catalogueTopic: string;
}

const common = (env: EnvReader): CartCommonConfig => ({
  host: env.string('SERVICE_HOST', '127.0.0.1'),
  databaseUrl: readStackEndpoints(env).postgres.url,
  logLevel: env.logLevel(),
});

export function readCartConfig(source?: NodeJS.ProcessEnv): CartConfig {
  return loadConfig(
    (env) => ({
      ...common(env),
      port: env.int('CART_PORT', 4004, { min: 1, max: 65535 }),
      routerSecret: env.string('ROUTER_SIGNING_SECRET'),
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
      brokers: readStackEndpoints(env).kafka.brokers,
      catalogueTopic: env.string('CATALOGUE_TOPIC', CATALOGUE_PRODUCTS_TOPIC),
    }),
    source,
  );
}
