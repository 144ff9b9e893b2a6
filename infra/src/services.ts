import { randomBytes } from 'node:crypto';
import { LOCAL_HOST } from '@emporium/config';
import { config } from './config.ts';

/**
 * The platform's own processes, as `npm start`, the e2e tests, composition and the
 * benchmarks know them. Each listens on its own port and answers GET /health when ready.
 */
export interface ServiceSpec {
  name: string;
  /** Entry point relative to the repository root, run with the project's Node. */
  entry: string;
  port: number;
  /** Environment the process needs beyond the stack's endpoints and the shared secret. */
  env: Record<string, string>;
  /** For subgraphs: the SDL file composed into the supergraph. */
  schema?: string;
}

export const ROUTER_PORT = 4000;

const subgraph = (name: string, port: number): ServiceSpec => ({
  name,
  entry: `subgraphs/${name}/src/index.ts`,
  port,
  env: { [`${name.toUpperCase()}_PORT`]: String(port) },
  schema: `subgraphs/${name}/schema.graphql`,
});

export const SUBGRAPHS: readonly ServiceSpec[] = [
  subgraph('identity', 4001),
  subgraph('product', 4002),
  subgraph('search', 4003),
  subgraph('cart', 4004),
  subgraph('order', 4005),
  subgraph('payment', 4006),
];

/** The search indexer: no API, but GET /health for the supervisor. */
export const SEARCH_INDEXER: ServiceSpec = {
  name: 'search-indexer',
  entry: 'subgraphs/search/src/indexer/index.ts',
  port: 4103,
  env: { SEARCH_INDEXER_PORT: '4103' },
};

/** The workers: event consumers (and the order's expiry sweeper) beside their subgraphs, GET /health only. */
export const WORKERS: readonly ServiceSpec[] = [
  SEARCH_INDEXER,
  { name: 'cart-worker', entry: 'subgraphs/cart/src/worker.ts', port: 4104, env: { CART_WORKER_PORT: '4104' } },
  { name: 'order-worker', entry: 'subgraphs/order/src/worker.ts', port: 4105, env: { ORDER_WORKER_PORT: '4105' } },
  {
    name: 'payment-worker',
    entry: 'subgraphs/payment/src/worker.ts',
    port: 4106,
    env: { PAYMENT_WORKER_PORT: '4106' },
  },
];

/**
 * The third-party card gateway's stand-in (the only simulated part of the platform): the
 * payment subgraph calls it, browsers tokenize cards at it, and it sends signed webhooks back.
 */
export const PAYMENT_PROVIDER: ServiceSpec = {
  name: 'payment-provider',
  entry: 'payment-provider/src/index.ts',
  port: 4900,
  env: { PAYMENT_PROVIDER_PORT: '4900' },
};

export const ROUTER: ServiceSpec = {
  name: 'router',
  entry: 'router/src/index.ts',
  port: ROUTER_PORT,
  env: { ROUTER_PORT: String(ROUTER_PORT) },
};

/** Start order: subgraphs first, so the router finds them ready. */
export const SERVICES: readonly ServiceSpec[] = [PAYMENT_PROVIDER, ...SUBGRAPHS, ...WORKERS, ROUTER];

/** How services start: every subgraph in parallel, then the router, which needs them. */
export const SERVICE_STAGES: readonly (readonly ServiceSpec[])[] = [
  [PAYMENT_PROVIDER, ...SUBGRAPHS, ...WORKERS],
  [ROUTER],
];

export const serviceUrl = (service: ServiceSpec, path = ''): string => `http://${LOCAL_HOST}:${service.port}${path}`;

/**
 * Environment every platform process gets when started locally. The router and the
 * subgraphs share a signing secret; a fresh one per start keeps any old assertion useless.
 */
export function platformEnv(): Record<string, string> {
  return { ROUTER_SIGNING_SECRET: config.routerSigningSecret ?? randomBytes(32).toString('base64url') };
}
