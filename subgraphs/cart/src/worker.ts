/**
 * The cart worker, a process of its own: config → ORM (migrated) → Kafka → the catalogue
 * replica consumer and the inventory saga consumer, the expiry of abandoned guest carts and
 * the pruning of event tables → GET /health. Run it beside the cart subgraph; replicas share
 * the topics' partitions through the consumer groups.
 */
import { startProcess } from '@emporium/runtime';
import { readCartWorkerConfig } from './config.ts';

const config = readCartWorkerConfig();
const proc = await startProcess('cart-worker', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { startCatalogueConsumer } = await import('./events/consumers/catalogue.consumer.ts');
const { startInventoryConsumer } = await import('./events/consumers/inventory.consumer.ts');
const { expireAllGuestCarts } = await import('./jobs/guest-cart-expiry.job.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { CatalogueReplicaService } = await import('./services/catalogue-replica.service.ts');
const { InventoryService } = await import('./services/inventory.service.ts');
const { logger, metrics } = proc;

// The worker owns the outbox: it reports the slot's lag and prunes the event tables.
const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await proc.openDatabase({ ...database, entities, migrations, workload: 'outbox-worker' });
const kafka = await proc.kafka(config.brokers);
await proc.consume(
  'kafka:catalogue',
  await startCatalogueConsumer({
    kafka,
    orm,
    replica: new CatalogueReplicaService(),
    topic: config.catalogueTopic,
    logger: logger.child({ consumer: 'catalogue' }),
    metrics,
  }),
);
await proc.consume(
  'kafka:inventory',
  await startInventoryConsumer({
    kafka,
    orm,
    inventory: new InventoryService(),
    logger: logger.child({ consumer: 'inventory' }),
    metrics,
  }),
);
await proc.every({
  what: 'expiring abandoned guest carts',
  intervalMs: config.guestCartSweepSeconds * 1000,
  task: (stopping) => expireAllGuestCarts(orm, { ttlDays: config.guestCartTtlDays, logger, stopping }),
});
await proc.serveHealth(config.port, config.host);
await proc.runUntilSignalled();
