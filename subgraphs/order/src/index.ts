/** Bootstrap only: config → ORM (migrated) → server. The saga runs in worker.ts. */
import { routerSecret } from '@emporium/auth';
import { createOrm, migrate } from '@emporium/db';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readOrderConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { buildSchema } from './schema.ts';
import { CheckoutService } from './services/checkout.service.ts';
import { OrderService } from './services/order.service.ts';

const config = readOrderConfig();
const logger = createLogger('order', { level: config.logLevel });
const database = { service: 'order', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const secret = routerSecret(config.routerSecret);
const server = await createSubgraphServer({
  name: 'order',
  schema: buildSchema(),
  routerSecret: secret,
  logger,
  context: contextFactory({
    orm,
    checkout: new CheckoutService({
      cartServiceUrl: config.cartServiceUrl,
      secret,
      reservationTtlSeconds: config.reservationTtlSeconds,
      logger,
    }),
    orders: new OrderService(),
  }),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await orm.close();
});
