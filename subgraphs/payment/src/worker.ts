/**
 * The payment worker, a process of its own: config → ORM (migrated) → the consumer group
 * that keeps the order read model (and refunds late captures) → the reconciler → GET
 * /health. Replicas share the order topic's partitions through the consumer group; the
 * reconciler's passes are idempotent, so replicas may overlap.
 */
import {
  EVENT_PRUNE_INTERVAL_MS,
  WORKER_DATABASE_TIMEOUTS,
  createOrm,
  migrate,
  pingDatabase,
  pruneEventTables,
} from '@emporium/db';
import { TOPICS } from '@emporium/events';
import { exitWhenCrashed, runPeriodically, runUntilSignalled, serveWorkerHealth } from '@emporium/graphql-server';
import { createKafka, startEventConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readPaymentWorkerConfig } from './config.ts';
import { PAYABLE_ORDERS_CONSUMER, createPayableOrdersHandler } from './consumers/payable-orders.consumer.ts';
import { reconcilePayments } from './consumers/reconciler.ts';
import { refundLatePayments } from './services/refund.service.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { ProviderClient } from './services/provider-client.ts';

const config = readPaymentWorkerConfig();
const logger = createLogger('payment-worker', { level: config.logLevel });
const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger, timeouts: WORKER_DATABASE_TIMEOUTS });
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
exitWhenCrashed(logger, PAYABLE_ORDERS_CONSUMER, consumer.crashed);
// Reconciles payments waiting for an outcome, and refunds late captures the consumer could not refund at the time.
const reconciler = runPeriodically({
  what: 'reconciliation',
  intervalMs: config.reconcileIntervalSeconds * 1000,
  logger,
  task: async () => {
    const reconcilerLogger = logger.child({ component: 'reconciler' });
    await reconcilePayments(orm.em.fork(), provider, reconcilerLogger, config.reconcileAfterSeconds);
    await refundLatePayments(orm.em.fork(), provider, reconcilerLogger);
  },
});
const pruning = runPeriodically({
  what: 'pruning the event tables',
  intervalMs: EVENT_PRUNE_INTERVAL_MS,
  logger,
  task: () => pruneEventTables(orm.em.fork()),
});

const health = await serveWorkerHealth(config.port, config.host, {
  postgres: () => pingDatabase(orm),
  kafka: () => consumer.ready(),
});
logger.info({ port: config.port }, 'payment worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await Promise.all([reconciler.stop(), pruning.stop()]);
  await orm.close();
});
