/**
 * `npm start`: the whole platform on this machine. Brings the stack up, prepares the
 * databases, starts every service and the router, and prints where to find them.
 * Ctrl-C stops the services; the stack keeps running (and keeps its data) for the next start.
 * `npm start -- --replicas N` (or EMPORIUM_REPLICAS=N) runs N of every router, subgraph and
 * worker behind HAProxy, which then answers on the routers' and subgraphs' usual ports.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PRODUCTS } from '@emporium/seed';
import { LOCAL_HOST } from '@emporium/config';
import { METRICS_PATH } from '@emporium/telemetry';
import { config } from './config.ts';
import { registerConnectors } from './connectors.ts';
import { printLine, startProgress } from './progress.ts';
import { waitForSearchIndex } from './search-ready.ts';
import { seed } from './seed.ts';
import { formatTable, status, up } from './stack.ts';
import { prometheus } from './components/prometheus.ts';
import { zipkin } from './components/zipkin.ts';
import {
  MAX_REPLICAS,
  ROUTER,
  SERVICE_STAGES,
  STOREFRONT,
  configuredReplicas,
  platformEnv,
  processName,
  serviceUrl,
  type ServiceSpec,
} from './services.ts';
import { startServices, type RunningServices } from './supervisor.ts';

/** `--replicas N` wins over EMPORIUM_REPLICAS; both are checked before anything starts. */
function replicasWanted(): number {
  const { values } = parseArgs({ options: { replicas: { type: 'string' } }, allowPositionals: false });
  return configuredReplicas(
    values.replicas === undefined ? process.env : { ...process.env, EMPORIUM_REPLICAS: values.replicas },
  );
}

/** One row per process: the storefront first (what a newcomer opens), then the balancer and the replicas it fronts. */
function serviceRows(running: RunningServices): Record<string, string>[] {
  const processes = running.topology.stages.flat();
  const fronted = new Map(
    running.topology.balanced.flatMap(({ service, replicas }) =>
      replicas.map((replica) => [replica, `behind :${service.port}`] as const),
    ),
  );
  const ordered = [STOREFRONT, ...processes.filter((service) => service !== STOREFRONT)];
  return ordered.map((service: ServiceSpec) => ({
    name: processName(service),
    address:
      service.name === 'balancer'
        ? `${running.topology.balanced.map(({ service: fronted }) => `:${fronted.port}`).join(' ')} (HAProxy)`
        : serviceUrl(service),
    pid: String(running.children.get(processName(service))?.pid ?? '-'),
    // Only with replicas: a plain start prints the table it always did.
    ...(fronted.size === 0
      ? {}
      : {
          balancing:
            service.name === 'balancer'
              ? `stats http://${LOCAL_HOST}:${service.port}/stats`
              : (fronted.get(service) ?? ''),
        }),
    metrics: service.metricsPort === undefined ? '' : `http://${LOCAL_HOST}:${service.metricsPort}${METRICS_PATH}`,
  }));
}

async function main(): Promise<void> {
  const started = Date.now();
  const replicas = replicasWanted();
  console.log('Starting the stack (PostgreSQL, Kafka, Kafka Connect + Debezium, Elasticsearch, Zipkin, Prometheus)...');
  await up((line) => {
    printLine(`  ${line}`);
  });

  // First run only: a database that already has a catalogue keeps it.
  console.log('Seeding demo data (first run only)...');
  await seed({ products: DEFAULT_PRODUCTS });

  // After seeding, which migrated the product database: the publication needs its tables.
  console.log('Registering the CDC connectors...');
  await registerConnectors({
    report: (line) => {
      printLine(`  ${line}`);
    },
  });

  console.log(
    replicas > 1
      ? `Starting the services: ${replicas} of every router, subgraph and worker, behind HAProxy...`
      : 'Starting the services...',
  );
  const running = await startServices(SERVICE_STAGES, { env: platformEnv(), replicas });

  await watchIndexBuild();

  const stack = await status();
  const rows = [
    ...serviceRows(running),
    ...stack.map((row) => ({ name: row.name, address: row.address, pid: row.pid, metrics: '' })),
  ];
  console.log(`\n${formatTable(rows)}\n`);
  // The router's well-known port: its own with one replica, the balancer's with more.
  console.log(`GraphQL endpoint and Apollo Sandbox: ${serviceUrl(ROUTER, '/graphql')}`);
  if (replicas > 1) {
    console.log(
      `${replicas} replicas each (at most ${MAX_REPLICAS}); HAProxy round-robins :${ROUTER.port} over the routers.`,
    );
  }
  console.log(`Storefront: ${serviceUrl(STOREFRONT)}`);
  console.log(`Traces (Zipkin): ${zipkin.address}/zipkin/   Metrics (Prometheus): ${prometheus.address}/targets`);
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)}s. Stack data: ${config.stateDir}`);
  console.log('Ctrl-C stops the services; `npm run infra -- down` stops the stack.');

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the services...');
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  for (const [name, child] of running.children) {
    child.once('exit', (code) => {
      if (stopping) return;
      console.error(`${name} exited with code ${code ?? 'null'}; stopping the rest`);
      shutdown();
    });
  }
}

/**
 * The indexer loads a fresh catalogue after the services start (10,000 products take a
 * while on a small machine): show it, so that a search that still finds little is explained.
 * Not waiting forever: a slow index build is no reason to withhold the platform.
 */
async function watchIndexBuild(): Promise<void> {
  const progress = startProgress('building the search index (documents)', { unit: 'items' });
  try {
    await waitForSearchIndex({
      timeoutMs: 300_000,
      onProgress: (indexed, rows) => {
        progress.update(indexed, { total: rows });
      },
    });
    progress.finish();
  } catch (error) {
    progress.fail(`${error instanceof Error ? error.message : String(error)}; search fills in as the indexer goes on`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
