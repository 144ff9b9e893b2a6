/** Bootstrap only: config → ORM (migrated) → server (GraphQL and the provider's webhook). The worker runs in worker.ts. */
import { createOrm, migrate, pingDatabase } from '@emporium/db';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readPaymentConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { providerWebhookRoute } from './provider-webhook.route.ts';
import { buildSchema } from './schema.ts';
import { paymentConfigView } from './services/payment-view.ts';
import { PaymentService } from './services/payment.service.ts';
import { ProviderClient } from './services/provider-client.ts';

const config = readPaymentConfig();
const logger = createLogger('payment', { level: config.logLevel });
const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const provider = new ProviderClient({
  baseUrl: config.provider.url,
  secretKey: config.provider.secretKey,
  timeoutMs: config.provider.timeoutMs,
  logger,
});
const server = await createSubgraphServer({
  name: 'payment',
  readiness: { postgres: () => pingDatabase(orm) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({
    orm,
    payments: new PaymentService({ provider, logger }),
    paymentConfig: paymentConfigView(config.provider),
  }),
  routes: providerWebhookRoute({ orm, webhookSecret: config.provider.webhookSecret, logger }),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await orm.close();
});
