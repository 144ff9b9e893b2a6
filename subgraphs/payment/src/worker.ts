/**
 * The payment worker, a process of its own: config → ORM (migrated) → the consumer group
 * that keeps the order read model (and refunds late captures) → the reconciler → GET
 * /health. Replicas share the order topic's partitions through the consumer group; the
 * reconciler's passes are idempotent, so replicas may overlap.
 */
import { createServer } from 'node:http';
import { createOrm, migrate } from '@emporium/db';
import { TOPICS } from '@emporium/events';
import { listen, runUntilSignalled } from '@emporium/graphql-server';
import { createKafka, startEventConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readPaymentWorkerConfig } from './config.ts';
import { PAYABLE_ORDERS_CONSUMER, createPayableOrdersHandler } from './consumers/payable-orders.consumer.ts';
import { startReconciler } from './consumers/reconciler.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { ProviderClient } from './services/provider-client.ts';

const config = readPaymentWorkerConfig();
const logger = createLogger('payment-worker', { level: config.logLevel });
const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

const provider = new ProviderClient({
  baseUrl: config.provider.url,
  secretKey: config.provider.secretKey,
  timeoutMs: config.provider.timeoutMs,
  logger,
});
const kafka = createKafka({ clientId: 'payment-worker', brokers: config.brokers, logger });
const consumer = await startEventConsumer({
  kafka,
  groupId: PAYABLE_ORDERS_CONSUMER,
  topics: [TOPICS.order],
  logger,
  handle: createPayableOrdersHandler({ orm, provider, logger }),
});
// kafkajs restarts a consumer after retriable errors by itself; after any other, exit so the
// supervisor (or orchestrator) starts a fresh process that resumes from the committed offsets.
void consumer.crashed.then((error) => {
  logger.error({ err: error }, 'payment order consumer stopped');
  process.exit(1);
});
const reconciler = startReconciler({
  orm,
  provider,
  logger,
  afterSeconds: config.reconcileAfterSeconds,
  intervalMs: config.reconcileIntervalSeconds * 1000,
});

const health = createServer((req, res) => {
  const found = req.method === 'GET' && req.url === '/health';
  res
    .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
    .end(JSON.stringify(found ? { status: 'ok' } : { error: 'not found' }));
});
await listen(health, config.port, config.host);
logger.info({ port: config.port }, 'payment worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await reconciler.stop();
  await orm.close();
});
