/**
 * The cart worker, a process of its own: config → ORM (migrated) → Kafka → the catalogue
 * replica consumer and the inventory saga consumer → GET /health. Run it beside the cart
 * subgraph; replicas share the topics' partitions through the consumer groups.
 */
import { createServer } from 'node:http';
import { createOrm, migrate } from '@emporium/db';
import { listen, runUntilSignalled } from '@emporium/graphql-server';
import { createKafka } from '@emporium/kafka';
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

// kafkajs restarts a consumer after retriable errors by itself; after any other, exit so the
// supervisor (or orchestrator) starts a fresh process that resumes from the committed offsets.
const exitOnCrash = (which: string) => (error: Error) => {
  logger.error({ err: error }, `${which} consumer stopped`);
  process.exit(1);
};
catalogue.consumer.on(catalogue.consumer.events.CRASH, (event) => {
  if (!event.payload.restart) exitOnCrash('catalogue')(event.payload.error);
});
void inventory.crashed.then(exitOnCrash('inventory'));

const health = createServer((req, res) => {
  const found = req.method === 'GET' && req.url === '/health';
  res
    .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
    .end(JSON.stringify(found ? { status: 'ok' } : { error: 'not found' }));
});
await listen(health, config.port, config.host);
logger.info({ port: config.port }, 'cart worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await Promise.all([catalogue.stop(), inventory.stop()]);
  await orm.close();
});
