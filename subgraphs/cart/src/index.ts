/** Bootstrap only: config → ORM (migrated) → server (GraphQL and the checkout snapshot). */
import { createOrm, migrate, pingDatabase } from '@emporium/db';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { checkoutSnapshotRoute } from './checkout-snapshot.route.ts';
import { readCartConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { buildSchema } from './schema.ts';
import { CartService } from './services/cart.service.ts';
import { InventoryService } from './services/inventory.service.ts';

const config = readCartConfig();
const logger = createLogger('cart', { level: config.logLevel });
const database = { service: 'cart', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const carts = new CartService({ maxLineQuantity: config.maxLineQuantity });
const server = await createSubgraphServer({
  name: 'cart',
  readiness: { postgres: () => pingDatabase(orm) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ orm, carts, inventory: new InventoryService() }),
  routes: checkoutSnapshotRoute({ orm, carts, orderServiceKey: config.orderServiceKey, logger }),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await orm.close();
});
