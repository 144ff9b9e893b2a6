/**
 * The cart worker, a process of its own: config → ORM (migrated) → Kafka → the catalogue
 * replica consumer and the inventory saga consumer → GET /health. Run it beside the cart
 * subgraph; replicas share the topics' partitions through the consumer groups.
 */
import { EVENT_PRUNE_INTERVAL_MS, createOrm, migrate, pruneEventTables } from '@emporium/db';
import { exitWhenCrashed, runPeriodically, runUntilSignalled, serveWorkerHealth } from '@emporium/graphql-server';
import { crashedForGood, createKafka } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readCartWorkerConfig } from './config.ts';
import { entities } from './entities/index.ts';
import { startCatalogueConsumer } from './events/consumers/catalogue.consumer.ts';
import { startInventoryConsumer } from './events/consumers/inventory.consumer.ts';
import { migrations } from './migrations/index.ts';
import { CatalogueReplicaService } from './services/catalogue-replica.service.ts';
import { InventoryService } from './services/inventory.service.ts';

const config = readCartWorkerConfig();
const logger = createLogger('cart-worker', { level: config.logLevel });
const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
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
const pruning = runPeriodically({
  what: 'pruning the event tables',
  intervalMs: EVENT_PRUNE_INTERVAL_MS,
  logger,
  task: () => pruneEventTables(orm.em.fork()),
});

const health = await serveWorkerHealth(config.port, config.host);
logger.info({ port: config.port }, 'cart worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await Promise.all([catalogue.stop(), inventory.stop(), pruning.stop()]);
  await orm.close();
});
