/**
 * `npm start`: the whole platform on this machine. Brings the stack up, prepares the
 * databases, starts every service and the router, and prints where to find them.
 * Ctrl-C stops the services; the stack keeps running (and keeps its data) for the next start.
 */
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
import { SERVICES, SERVICE_STAGES, STOREFRONT, platformEnv, serviceUrl } from './services.ts';
import { startServices } from './supervisor.ts';

async function main(): Promise<void> {
  const started = Date.now();
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

  console.log('Starting the services...');
  const running = await startServices(SERVICE_STAGES, { env: platformEnv() });

  await watchIndexBuild();

  const stack = await status();
  // The storefront first: it is what a newcomer opens.
  const services = [STOREFRONT, ...SERVICES.filter((service) => service !== STOREFRONT)];
  const rows = [
    ...services.map((service) => ({
      name: service.name,
      address: serviceUrl(service),
      pid: String(running.children.get(service.name)?.pid ?? '-'),
      metrics: service.metricsPort === undefined ? '' : `http://${LOCAL_HOST}:${service.metricsPort}${METRICS_PATH}`,
    })),
    ...stack.map((row) => ({ name: row.name, address: row.address, pid: row.pid, metrics: '' })),
  ];
  const router = SERVICES.find((service) => service.name === 'router');
  console.log(`\n${formatTable(rows)}\n`);
  if (router) {
    console.log(`GraphQL endpoint and Apollo Sandbox: ${serviceUrl(router, '/graphql')}`);
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
