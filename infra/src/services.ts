import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAssertionKeyPair } from '@emporium/auth';
import { LOCAL_HOST, loadConfig, type ServiceDatabase } from '@emporium/config';
import { serviceConnectionUrl } from './components/postgres.ts';
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
  /** Environment the process needs beyond the stack's endpoints and {@link platformEnv}: its own secrets too. */
  env: Record<string, string>;
  /** For subgraphs: the SDL file composed into the supergraph. */
  schema?: string;
  /** Where it serves GET /metrics, which the local Prometheus scrapes; unset while it serves none. */
  metricsPort?: number;
  /**
   * How it runs with `--replicas N` (N > 1); unset, it stays a single process (the provider
   * simulator stands for a third party, the storefront serves files). `balanced` replicas sit
   * behind the balancer, which takes over `port`; `parallel` ones (workers) just run side by
   * side, their consumer groups sharing the partitions.
   */
  scaling?: { kind: 'balanced' | 'parallel'; replicas: ReplicaPorts };
  /** Which replica of the service this is (1-based), in a platform of replicas; unset for a single process. */
  replica?: number;
  /** A command other than Node to run instead of `entry` (the balancer). */
  command?: readonly string[];
}

/** The variables that set a replicated service's ports, so each replica gets ports of its own. */
export interface ReplicaPorts {
  portEnv: string;
  /** Set when metrics have a port of their own (the router's admin port). */
  metricsPortEnv?: string;
  /**
   * What the balancer asks each replica before sending it traffic: the router's /ready (it turns
   * unready when it begins to drain, and never follows the subgraphs'); a subgraph's /health, since
   * its /ready follows dependencies every replica shares, and a balancer that took all replicas out
   * when PostgreSQL blinks would turn the subgraph's typed SERVICE_UNAVAILABLE into its own 503.
   */
  checkPath?: '/health' | '/ready';
  /** Extra environment of a replica behind the balancer (the router trusts its X-Forwarded-For). */
  envBehindBalancer?: Record<string, string>;
}

/**
 * The address the balancer connects to replicas from: a loopback address of its own, so that
 * the routers believe the X-Forwarded-For of the balancer alone, not of every local process.
 */
export const BALANCER_SOURCE_ADDRESS = '127.0.0.2';

export const ROUTER_PORT = 4000;
/** The router's admin port (metrics), its public port + 100 as the router's config defaults to. */
export const ROUTER_ADMIN_PORT = ROUTER_PORT + 100;

const token = (): string => randomBytes(32).toString('base64url');

/**
 * The secrets of this run of the platform, fresh in every process that starts it (npm
 * start, the e2e setup, the benchmarks), so nothing published or left over is ever valid.
 * Each goes only to the processes that use it: the router's private key to the router, the
 * order service's to the order subgraph, the provider's keys to payment and the provider.
 */
export const LOCAL_SECRETS = {
  router: generateAssertionKeyPair(),
  orderService: generateAssertionKeyPair(),
  provider: {
    publishableKey: `pk_local_${token()}`,
    secretKey: `sk_local_${token()}`,
    webhookSecret: `whsec_${token()}`,
    controlKey: token(),
  },
} as const;

/** The provider simulator's fault and inspection endpoints: loopback only, behind LOCAL_SECRETS.provider.controlKey. */
export const PAYMENT_PROVIDER_CONTROL_PORT = 4901;
/** The provider simulator's /metrics, apart from its public API. */
export const PAYMENT_PROVIDER_METRICS_PORT = 4902;

const providerKeys = {
  PAYMENT_PROVIDER_PUBLISHABLE_KEY: LOCAL_SECRETS.provider.publishableKey,
  PAYMENT_PROVIDER_SECRET_KEY: LOCAL_SECRETS.provider.secretKey,
  PAYMENT_PROVIDER_WEBHOOK_SECRET: LOCAL_SECRETS.provider.webhookSecret,
};

/** A process that works on a service's database connects as that service's own role. */
const database = (service: ServiceDatabase): Record<string, string> => ({
  DATABASE_URL: serviceConnectionUrl(service),
});

const subgraph = (name: string, port: number, env: Record<string, string> = {}): ServiceSpec => ({
  name,
  entry: `subgraphs/${name}/src/index.ts`,
  port,
  env: { [`${name.toUpperCase()}_PORT`]: String(port), ...env },
  schema: `subgraphs/${name}/schema.graphql`,
  // Subgraphs are internal: /metrics sits beside /graphql and /health.
  metricsPort: port,
  scaling: { kind: 'balanced', replicas: { portEnv: `${name.toUpperCase()}_PORT`, checkPath: '/health' } },
});

/**
 * The key that seals identity's signing keys at rest. Unlike the secrets above it must
 * outlive a start, since the database it opens does: generated once per stack into its
 * state directory (readable by its owner only) and removed with it by `infra reset`.
 */
export function identityKeyEncryptionKey(): string {
  const dir = join(config.stateDir, 'secrets');
  const file = join(dir, 'identity-key-encryption.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

const identityBase = subgraph('identity', 4001, database('identity'));
const identity: ServiceSpec = {
  ...identityBase,
  // Read when the process starts, not when this module loads: importing the specs creates no file.
  get env() {
    return { ...identityBase.env, IDENTITY_KEY_ENCRYPTION_KEY: identityKeyEncryptionKey() };
  },
};

export const SUBGRAPHS: readonly ServiceSpec[] = [
  identity,
  subgraph('product', 4002, database('product')),
  subgraph('search', 4003),
  subgraph('cart', 4004, database('cart')),
  subgraph('order', 4005, {
    ...database('order'),
    ORDER_SERVICE_PRIVATE_KEY: LOCAL_SECRETS.orderService.privateKey,
  }),
  subgraph('payment', 4006, { ...database('payment'), ...providerKeys }),
];

/** The search indexer: no API, but GET /health for the supervisor. */
export const SEARCH_INDEXER: ServiceSpec = {
  name: 'search-indexer',
  entry: 'subgraphs/search/src/worker.ts',
  port: 4103,
  env: { SEARCH_INDEXER_PORT: '4103' },
  metricsPort: 4103,
  scaling: { kind: 'parallel', replicas: { portEnv: 'SEARCH_INDEXER_PORT' } },
};

/** The workers: event consumers (and the order's expiry sweeper) beside their subgraphs, GET /health only. */
export const WORKERS: readonly ServiceSpec[] = [
  SEARCH_INDEXER,
  {
    name: 'cart-worker',
    entry: 'subgraphs/cart/src/worker.ts',
    port: 4104,
    metricsPort: 4104,
    scaling: { kind: 'parallel', replicas: { portEnv: 'CART_WORKER_PORT' } },
    env: { CART_WORKER_PORT: '4104', ...database('cart') },
  },
  {
    name: 'order-worker',
    entry: 'subgraphs/order/src/worker.ts',
    port: 4105,
    metricsPort: 4105,
    scaling: { kind: 'parallel', replicas: { portEnv: 'ORDER_WORKER_PORT' } },
    env: { ORDER_WORKER_PORT: '4105', ...database('order') },
  },
  {
    name: 'payment-worker',
    entry: 'subgraphs/payment/src/worker.ts',
    port: 4106,
    metricsPort: 4106,
    scaling: { kind: 'parallel', replicas: { portEnv: 'PAYMENT_WORKER_PORT' } },
    env: { PAYMENT_WORKER_PORT: '4106', ...database('payment'), ...providerKeys },
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
  env: {
    PAYMENT_PROVIDER_PORT: '4900',
    PAYMENT_PROVIDER_CONTROL_PORT: String(PAYMENT_PROVIDER_CONTROL_PORT),
    PAYMENT_PROVIDER_CONTROL_KEY: LOCAL_SECRETS.provider.controlKey,
    PAYMENT_PROVIDER_METRICS_PORT: String(PAYMENT_PROVIDER_METRICS_PORT),
    ...providerKeys,
  },
  metricsPort: PAYMENT_PROVIDER_METRICS_PORT,
};

export const ROUTER: ServiceSpec = {
  name: 'router',
  entry: 'router/src/index.ts',
  port: ROUTER_PORT,
  env: { ROUTER_PORT: String(ROUTER_PORT), ROUTER_PRIVATE_KEY: LOCAL_SECRETS.router.privateKey },
  metricsPort: ROUTER_ADMIN_PORT,
  scaling: {
    kind: 'balanced',
    replicas: {
      portEnv: 'ROUTER_PORT',
      metricsPortEnv: 'ROUTER_ADMIN_PORT',
      checkPath: '/ready',
      // Per-client limits key on the client the balancer saw, and only the balancer is believed.
      envBehindBalancer: { TRUSTED_PROXIES: BALANCER_SOURCE_ADDRESS },
    },
  },
};

/**
 * The browser storefront: serves its Vite build, building it first when missing or older than
 * its sources (so a start after a change serves the change), and answers /health once serving.
 */
export const STOREFRONT: ServiceSpec = {
  name: 'storefront',
  entry: 'storefront/server/index.ts',
  port: 3000,
  env: { STOREFRONT_PORT: '3000', STOREFRONT_GRAPHQL_URL: `http://${LOCAL_HOST}:${ROUTER_PORT}/graphql` },
};

/** Start order: subgraphs first, so the router finds them ready. */
export const SERVICES: readonly ServiceSpec[] = [PAYMENT_PROVIDER, ...SUBGRAPHS, ...WORKERS, ROUTER, STOREFRONT];

/**
 * How services start: every subgraph in parallel, then the router, which needs them, beside the
 * storefront (its build then overlaps the router's start instead of the subgraphs').
 */
export const SERVICE_STAGES: readonly (readonly ServiceSpec[])[] = [
  [PAYMENT_PROVIDER, ...SUBGRAPHS, ...WORKERS],
  [ROUTER, STOREFRONT],
];

export const serviceUrl = (service: ServiceSpec, path = ''): string => `http://${LOCAL_HOST}:${service.port}${path}`;

/**
 * Environment every platform process gets when started locally: only public keys. The
 * secrets of {@link LOCAL_SECRETS} travel in the specs of the processes that hold them.
 */
export function platformEnv(): Record<string, string> {
  return {
    ROUTER_PUBLIC_KEY: LOCAL_SECRETS.router.publicKey,
    ORDER_SERVICE_PUBLIC_KEY: LOCAL_SECRETS.orderService.publicKey,
  };
}

/** The balancer's own port: GET /health (its liveness), /stats (HAProxy's page; `/stats;csv`) and /metrics. */
export const BALANCER_ADMIN_PORT = 4990;
/**
 * Replica r of a service on port P listens on P + r × this: 14000 and 24000 are routers 1 and 2.
 * Not 1000: fetch refuses some ports outright (6000, X11's, among them), and 1x000–4x000 hold none.
 */
export const REPLICA_PORT_STEP = 10_000;
/** Plenty on a laptop, and it keeps replica ports (up to 44106) clear of the stack's (1xxxx, 55432). */
export const MAX_REPLICAS = 4;

/**
 * How many replicas of each service to run: EMPORIUM_REPLICAS (1 by default: one process per
 * service on its well-known port, no balancer), which `npm start -- --replicas N` overrides.
 */
export function configuredReplicas(source: NodeJS.ProcessEnv = process.env): number {
  return loadConfig((env) => env.int('EMPORIUM_REPLICAS', 1, { min: 1, max: MAX_REPLICAS }), source);
}

/** The name a process goes by in logs, tables and the supervisor: `router-2` for a replica. */
export const processName = (service: ServiceSpec): string =>
  service.replica === undefined ? service.name : `${service.name}-${service.replica}`;

/** Replica `replica` (1-based) of a replicated service: the same process on ports of its own. */
export function replicaOf(service: ServiceSpec, replica: number): ServiceSpec {
  const scaling = service.scaling;
  if (!scaling) throw new Error(`${service.name} does not run in replicas`);
  const shift = (port: number): number => port + REPLICA_PORT_STEP * replica;
  const { portEnv, metricsPortEnv, envBehindBalancer } = scaling.replicas;
  const port = shift(service.port);
  const metricsPort = service.metricsPort === undefined ? undefined : shift(service.metricsPort);
  const overrides: Record<string, string> = {
    ...(scaling.kind === 'balanced' ? envBehindBalancer : {}),
    [portEnv]: String(port),
    ...(metricsPortEnv && metricsPort !== undefined ? { [metricsPortEnv]: String(metricsPort) } : {}),
  };
  return {
    ...service,
    port,
    metricsPort,
    replica,
    // A getter, as identity's: its key file is read when the replica starts, not before.
    get env() {
      return { ...service.env, ...overrides };
    },
  };
}

/** A balanced service and the replicas the balancer spreads its port's traffic over. */
export interface BalancedService {
  service: ServiceSpec;
  replicas: readonly ServiceSpec[];
}

/** What runs for a replica count: the processes stage by stage, and what the balancer fronts. */
export interface Topology {
  replicas: number;
  stages: readonly (readonly ServiceSpec[])[];
  /** Empty with one replica: then nothing is balanced and every service keeps its own port. */
  balanced: readonly BalancedService[];
}

/**
 * The platform with `replicas` of every router, subgraph and worker. With 1 it is `stages`
 * unchanged. With more, each replicated service runs as N replicas on ports of their own, and a
 * balancer stage (see balancer.ts) comes after the first stage's subgraphs and before the
 * routers: the balancer takes over every balanced service's well-known port, so the supergraph's
 * subgraph URLs, the JWKS URL, the order service's cart URL and the provider's webhook URL all
 * reach replicas through it unchanged.
 */
export function topology(
  replicas: number,
  stages: readonly (readonly ServiceSpec[])[],
  balancer: (balanced: readonly BalancedService[]) => ServiceSpec,
): Topology {
  if (replicas <= 1) return { replicas: 1, stages, balanced: [] };
  const balanced: BalancedService[] = [];
  const expanded = stages.map((stage) =>
    stage.flatMap((service) => {
      if (!service.scaling) return [service];
      const copies = Array.from({ length: replicas }, (_, i) => replicaOf(service, i + 1));
      if (service.scaling.kind === 'balanced') balanced.push({ service, replicas: copies });
      return copies;
    }),
  );
  const [first = [], ...rest] = expanded;
  return { replicas, stages: [first, [balancer(balanced)], ...rest], balanced };
}

/**
 * A stage's processes in waves: the first replica of each of its services, then the second,
 * and so on. Every process compiles and connects as it starts; N replicas started together on
 * a two-core machine each take about N times as long, while a wave at a time keeps each start
 * as quick as a single process's and within the same limit.
 */
export function replicaWaves(stage: readonly ServiceSpec[]): ServiceSpec[][] {
  const waves = new Map<number, ServiceSpec[]>();
  for (const service of stage) {
    const replica = service.replica ?? 1;
    waves.set(replica, [...(waves.get(replica) ?? []), service]);
  }
  return [...waves.entries()].sort(([a], [b]) => a - b).map(([, wave]) => wave);
}
