/** Bootstrap only: config → ORM (migrated) → server. */
import { createLogger } from '@emporium/logging';
import { startTracing } from '@emporium/telemetry';
import { readProductConfig } from './config.ts';

const config = readProductConfig();
const logger = createLogger('product', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const { createOrm, measureDatabase, migrate, pingDatabase } = await import('@emporium/db');
const { createSubgraphServer, runUntilSignalled } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { buildSchema } = await import('./schema.ts');
const { CatalogueService } = await import('./services/catalogue.service.ts');
const { ReviewService } = await import('./services/review.service.ts');

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
// Pool figures on the subgraph's /metrics, and the catalogue connector's slot lag: product has no worker to report it.
await measureDatabase(orm, server.metrics, { service: database.service, replicationSlots: true });
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await orm.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
