/**
 * The cart worker, a process of its own: config → ORM (migrated) → Kafka → the catalogue
 * replica consumer and the inventory saga consumer, the expiry of abandoned guest carts and
 * the pruning of event tables → GET /health. Run it beside the cart subgraph; replicas share
 * the topics' partitions through the consumer groups.
 */
import {
  EVENT_PRUNE_INTERVAL_MS,
  WORKER_DATABASE_TIMEOUTS,
  createOrm,
  migrate,
  pingDatabase,
  pruneEventTables,
} from '@emporium/db';
import { exitWhenCrashed, runPeriodically, runUntilSignalled, serveWorkerHealth } from '@emporium/graphql-server';
import { crashedForGood, createKafka } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readCartWorkerConfig } from './config.ts';
import { entities } from './entities/index.ts';
import { startCatalogueConsumer } from './events/consumers/catalogue.consumer.ts';
import { startInventoryConsumer } from './events/consumers/inventory.consumer.ts';
import { expireAllGuestCarts } from './jobs/guest-cart-expiry.job.ts';
import { migrations } from './migrations/index.ts';
import { CatalogueReplicaService } from './services/catalogue-replica.service.ts';
import { InventoryService } from './services/inventory.service.ts';

const config = readCartWorkerConfig();
const logger = createLogger('cart-worker', { level: config.logLevel });
const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger, timeouts: WORKER_DATABASE_TIMEOUTS });
await migrate(orm, database);

const kafka = createKafka({ clientId: 'cart-worker', brokers: config.brokers, logger });
const catalogue = await startCatalogueConsumer({
  kafka,
  orm,
  replica: new CatalogueReplicaService(),
  topic: config.catalogueTopic,
  logger: logger.child({ consumer: 'catalogue' }),
});
const inventory = await startInventoryConsumer({
  kafka,
  orm,
  inventory: new InventoryService(),
  logger: logger.child({ consumer: 'inventory' }),
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

const health = await serveWorkerHealth(config.port, config.host, {
  postgres: () => pingDatabase(orm),
  'kafka:catalogue': () => catalogue.ready(),
  'kafka:inventory': () => inventory.ready(),
});
logger.info({ port: config.port }, 'cart worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await Promise.all([catalogue.stop(), inventory.stop(), guestCarts.stop(), pruning.stop()]);
  await orm.close();
});
