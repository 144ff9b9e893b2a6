/** Bootstrap only: config → ORM (migrated) → server (GraphQL and the checkout snapshot). */
import { createLogger } from '@emporium/logging';
import { startTracing } from '@emporium/telemetry';
import { readCartConfig } from './config.ts';

const config = readCartConfig();
const logger = createLogger('cart', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const { NotificationWatch, createOrm, measureDatabase, migrate, pingDatabase } = await import('@emporium/db');
const { createSubgraphServer, runUntilSignalled } = await import('@emporium/graphql-server');
const { checkoutSnapshotRoute } = await import('./routes/checkout-snapshot.route.ts');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { buildSchema } = await import('./schema.ts');
const { CartService } = await import('./services/cart.service.ts');
const { CATALOGUE_REPLICA_CHANNEL } = await import('./services/catalogue-replica.service.ts');
const { InventoryService } = await import('./services/inventory.service.ts');

const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const carts = new CartService({ maxLineQuantity: config.maxLineQuantity });
// setStock right after createProduct waits on this for the replica to catch up.
const replica = new NotificationWatch({ ...database, channel: CATALOGUE_REPLICA_CHANNEL, logger });
const server = await createSubgraphServer({
  name: 'cart',
  readiness: { postgres: () => pingDatabase(orm) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ orm, carts, inventory: new InventoryService({ replica }) }),
  routes: checkoutSnapshotRoute({ orm, carts, orderServiceKey: config.orderServiceKey, logger }),
});
// Pool figures on the subgraph's /metrics, read at each scrape.
await measureDatabase(orm, server.metrics, { service: database.service });
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await replica.close();
  await orm.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
