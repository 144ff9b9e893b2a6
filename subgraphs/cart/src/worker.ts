/**
 * The cart worker, a process of its own: config → ORM (migrated) → Kafka → the catalogue
 * replica consumer and the inventory saga consumer, the expiry of abandoned guest carts and
 * the pruning of event tables → GET /health. Run it beside the cart subgraph; replicas share
 * the topics' partitions through the consumer groups.
 */
import { createLogger } from '@emporium/logging';
import { createMetricsRegistry, metricsRoute, startTracing } from '@emporium/telemetry';
import { readCartWorkerConfig } from './config.ts';

const config = readCartWorkerConfig();
const logger = createLogger('cart-worker', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const {
  EVENT_PRUNE_INTERVAL_MS,
  WORKER_DATABASE_TIMEOUTS,
  createOrm,
  measureDatabase,
  migrate,
  pingDatabase,
  pruneEventTables,
} = await import('@emporium/db');
const { exitWhenCrashed, runPeriodically, runUntilSignalled, serveWorkerHealth } =
  await import('@emporium/graphql-server');
const { crashedForGood, createKafka, measureConsumer } = await import('@emporium/kafka');
const { CATALOGUE_GROUP, startCatalogueConsumer } = await import('./events/consumers/catalogue.consumer.ts');
const { startInventoryConsumer } = await import('./events/consumers/inventory.consumer.ts');
const { expireAllGuestCarts } = await import('./jobs/guest-cart-expiry.job.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { CatalogueReplicaService } = await import('./services/catalogue-replica.service.ts');
const { InventoryService } = await import('./services/inventory.service.ts');

const metrics = createMetricsRegistry('cart-worker');
const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger, timeouts: WORKER_DATABASE_TIMEOUTS });
await migrate(orm, database);
// The pool, and how far Debezium's slots on this database (the outbox's) lag: one process per database reports them.
await measureDatabase(orm, metrics, { service: database.service, replicationSlots: true });

const kafka = createKafka({ clientId: 'cart-worker', brokers: config.brokers, logger });
const catalogue = await startCatalogueConsumer({
  kafka,
  orm,
  replica: new CatalogueReplicaService(),
  topic: config.catalogueTopic,
  logger: logger.child({ consumer: 'catalogue' }),
});
measureConsumer(catalogue.consumer, CATALOGUE_GROUP, metrics);
const inventory = await startInventoryConsumer({
  kafka,
  orm,
  inventory: new InventoryService(),
  logger: logger.child({ consumer: 'inventory' }),
  metrics,
});

exitWhenCrashed(logger, 'catalogue', crashedForGood(catalogue.consumer));
exitWhenCrashed(logger, 'inventory', inventory.crashed);
const guestCarts = runPeriodically({
  what: 'expiring abandoned guest carts',
  intervalMs: config.guestCartSweepSeconds * 1000,
  logger,
  task: (stopping) => expireAllGuestCarts(orm, { ttlDays: config.guestCartTtlDays, logger, stopping }),
});
const pruning = runPeriodically({
  what: 'pruning the event tables',
  intervalMs: EVENT_PRUNE_INTERVAL_MS,
  logger,
  task: () => pruneEventTables(orm.em.fork()),
});

const health = await serveWorkerHealth(
  config.port,
  config.host,
  {
    postgres: () => pingDatabase(orm),
    'kafka:catalogue': () => catalogue.ready(),
    'kafka:inventory': () => inventory.ready(),
  },
  metricsRoute(metrics),
);
logger.info({ port: config.port }, 'cart worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await Promise.all([catalogue.stop(), inventory.stop(), guestCarts.stop(), pruning.stop()]);
  await orm.close();
  // Last, so the spans of the work drained above are sent too.
  await tracing.shutdown();
});
