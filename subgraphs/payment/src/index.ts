/** Bootstrap only: config → ORM (migrated) → server (GraphQL and the provider's webhook). The worker runs in worker.ts. */
import { startProcess } from '@emporium/runtime';
import { readPaymentConfig } from './config.ts';

const config = readPaymentConfig();
const proc = await startProcess('payment', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { NotificationWatch } = await import('@emporium/db');
const { createSubgraphServer } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { providerWebhookRoute } = await import('./routes/provider-webhook.route.ts');
const { buildSchema } = await import('./schema.ts');
const { paymentConfigView } = await import('./services/payment-view.ts');
const { PAYABLE_ORDERS_CHANNEL, PaymentService } = await import('./services/payment.service.ts');
const { ProviderClient } = await import('./services/provider-client.ts');
const { logger } = proc;

const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await proc.openDatabase({ ...database, entities, migrations });
const provider = new ProviderClient({
  baseUrl: config.provider.url,
  secretKey: config.provider.secretKey,
  timeoutMs: config.provider.timeoutMs,
  logger,
});
// payOrder waits on this for the order read model to catch up with the order service.
const readModel = new NotificationWatch({ ...database, channel: PAYABLE_ORDERS_CHANNEL, logger });
proc.onStop('resources', () => readModel.close());
const server = await createSubgraphServer({
  name: 'payment',
  metrics: proc.metrics,
  readiness: proc.readiness,
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
proc.onStop('intake', () => server.stop());
await server.listen(config.port, config.host);
await proc.runUntilSignalled();
