/** Bootstrap only: config → ORM (migrated) → server. */
import { createOrm, migrate, pingDatabase } from '@emporium/db';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readProductConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { buildSchema } from './schema.ts';
import { CatalogueService } from './services/catalogue.service.ts';
import { ReviewService } from './services/review.service.ts';

const config = readProductConfig();
const logger = createLogger('product', { level: config.logLevel });
const database = { service: 'product', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const server = await createSubgraphServer({
  name: 'product',
  readiness: { postgres: () => pingDatabase(orm) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({
    orm,
    catalogue: new CatalogueService(),
    reviews: new ReviewService(),
    mediaBaseUrl: config.mediaBaseUrl,
  }),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await orm.close();
});
