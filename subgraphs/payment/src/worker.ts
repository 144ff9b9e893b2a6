/**
 * The payment worker, a process of its own: config → ORM (migrated) → the consumer group
 * that keeps the order read model (and refunds late captures) → the reconciler → GET
 * /health. Replicas share the order topic's partitions through the consumer group; the
 * reconciler's passes are idempotent, so replicas may overlap.
 */
import { createLogger } from '@emporium/logging';
import { createMetricsRegistry, metricsRoute, startTracing } from '@emporium/telemetry';
import { readPaymentWorkerConfig } from './config.ts';

const config = readPaymentWorkerConfig();
const logger = createLogger('payment-worker', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const {
  EVENT_PRUNE_INTERVAL_MS,
  WORKER_DATABASE_TIMEOUTS,
  createOrm,
  measureDatabase,
  migrate,
  pingDatabase,
  pruneEventTables,
} = await import('@emporium/db');
const { TOPICS } = await import('@emporium/events');
const { exitWhenCrashed, runPeriodically, runUntilSignalled, serveWorkerHealth } =
  await import('@emporium/graphql-server');
const { createKafka, startEventConsumer } = await import('@emporium/kafka');
const { PAYABLE_ORDERS_CONSUMER, createPayableOrdersHandler } =
  await import('./events/consumers/payable-orders.consumer.ts');
const { reconcilePayments } = await import('./jobs/payment-reconciliation.job.ts');
const { refundLatePayments } = await import('./services/refund.service.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { ProviderClient } = await import('./services/provider-client.ts');

const metrics = createMetricsRegistry('payment-worker');
const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger, timeouts: WORKER_DATABASE_TIMEOUTS });
await migrate(orm, database);
// The pool, and how far Debezium's slots on this database (the outbox's) lag: one process per database reports them.
await measureDatabase(orm, metrics, { service: database.service, replicationSlots: true });

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
  metrics,
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

const health = await serveWorkerHealth(
  config.port,
  config.host,
  { postgres: () => pingDatabase(orm), kafka: () => consumer.ready() },
  metricsRoute(metrics),
);
logger.info({ port: config.port }, 'payment worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await Promise.all([reconciler.stop(), pruning.stop()]);
  await orm.close();
  // Last, so the spans of the work drained above are sent too.
  await tracing.shutdown();
});
