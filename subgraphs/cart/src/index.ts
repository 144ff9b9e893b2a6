/** Bootstrap only: config → ORM (migrated) → server (GraphQL and the checkout snapshot). */
import { startProcess } from '@emporium/runtime';
import { readCartConfig } from './config.ts';

const config = readCartConfig();
const proc = await startProcess('cart', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { NotificationWatch } = await import('@emporium/db');
const { createSubgraphServer } = await import('@emporium/graphql-server');
const { checkoutSnapshotRoute } = await import('./routes/checkout-snapshot.route.ts');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { buildSchema } = await import('./schema.ts');
const { CartService } = await import('./services/cart.service.ts');
const { CATALOGUE_REPLICA_CHANNEL } = await import('./services/catalogue-replica.service.ts');
const { InventoryService } = await import('./services/inventory.service.ts');
const { logger } = proc;

const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await proc.openDatabase({ ...database, entities, migrations });
const carts = new CartService({ maxLineQuantity: config.maxLineQuantity });
// setStock right after createProduct waits on this for the replica to catch up.
const replica = new NotificationWatch({ ...database, channel: CATALOGUE_REPLICA_CHANNEL, logger });
proc.onStop('resources', () => replica.close());
const server = await createSubgraphServer({
  name: 'cart',
  metrics: proc.metrics,
  readiness: proc.readiness,
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ orm, carts, inventory: new InventoryService({ replica }) }),
  routes: checkoutSnapshotRoute({ orm, carts, orderServiceKey: config.orderServiceKey, logger }),
});
proc.onStop('intake', () => server.stop());
await server.listen(config.port, config.host);
await proc.runUntilSignalled();
