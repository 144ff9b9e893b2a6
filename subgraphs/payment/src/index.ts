/** Bootstrap only: config → ORM (migrated) → server (GraphQL and the provider's webhook). The worker runs in worker.ts. */
import { createLogger } from '@emporium/logging';
import { startTracing } from '@emporium/telemetry';
import { readPaymentConfig } from './config.ts';

const config = readPaymentConfig();
const logger = createLogger('payment', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const { NotificationWatch, createOrm, measureDatabase, migrate, pingDatabase } = await import('@emporium/db');
const { createSubgraphServer, runUntilSignalled } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { providerWebhookRoute } = await import('./routes/provider-webhook.route.ts');
const { buildSchema } = await import('./schema.ts');
const { paymentConfigView } = await import('./services/payment-view.ts');
const { PAYABLE_ORDERS_CHANNEL, PaymentService } = await import('./services/payment.service.ts');
const { ProviderClient } = await import('./services/provider-client.ts');

const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const provider = new ProviderClient({
  baseUrl: config.provider.url,
  secretKey: config.provider.secretKey,
  timeoutMs: config.provider.timeoutMs,
  logger,
});
// payOrder waits on this for the order read model to catch up with the order service.
const readModel = new NotificationWatch({ ...database, channel: PAYABLE_ORDERS_CHANNEL, logger });
const server = await createSubgraphServer({
  name: 'payment',
  readiness: { postgres: () => pingDatabase(orm) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({
    orm,
    payments: new PaymentService({ provider, logger, readModel }),
    paymentConfig: paymentConfigView(config.provider),
  }),
  routes: providerWebhookRoute({ orm, webhookSecret: config.provider.webhookSecret, logger }),
});
// Pool figures on the subgraph's /metrics, read at each scrape.
await measureDatabase(orm, server.metrics, { service: database.service });
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await readModel.close();
  await orm.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
