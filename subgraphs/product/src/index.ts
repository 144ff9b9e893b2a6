/** Bootstrap only: config → ORM (migrated) → server. */
import { startProcess } from '@emporium/runtime';
import { readProductConfig } from './config.ts';

const config = readProductConfig();
const proc = await startProcess('product', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { createSubgraphServer } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { buildSchema } = await import('./schema.ts');
const { CatalogueService } = await import('./services/catalogue.service.ts');
const { ReviewService } = await import('./services/review.service.ts');

const { logger } = proc;

const orm = await proc.openDatabase({
  service: 'product',
  serverUrl: config.databaseUrl,
  entities,
  migrations,
  // The catalogue connector's slot is this database's, and product has no worker to report it.
  replicationSlots: true,
});

const server = await createSubgraphServer({
  name: 'product',
  metrics: proc.metrics,
  readiness: proc.readiness,
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  // The catalogue reads the same for everyone. The router keeps these answers and drops them
  // as Debezium reports catalogue changes; the age only bounds an answer if a change were missed.
  publicMaxAgeSeconds: 60,
  context: contextFactory({
    orm,
    catalogue: new CatalogueService(),
    reviews: new ReviewService(),
    mediaBaseUrl: config.mediaBaseUrl,
  }),
});
proc.onStop('intake', () => server.stop());
await server.listen(config.port, config.host);
await proc.runUntilSignalled();
