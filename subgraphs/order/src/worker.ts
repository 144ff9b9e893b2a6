/**
 * The order worker, a process of its own: config → ORM (migrated) → the saga's consumer
 * group on inventory and payment events → the expiry sweeper and event-table pruning → GET /health. Replicas share
 * the topics' partitions through the consumer group and the sweep through SKIP LOCKED. Metrics
 * on the health port's /metrics.
 */
import { createLogger } from '@emporium/logging';
import { createMetricsRegistry, metricsRoute, startTracing } from '@emporium/telemetry';
import { readOrderWorkerConfig } from './config.ts';

const config = readOrderWorkerConfig();
const logger = createLogger('order-worker', { level: config.logLevel });
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
const { sweepAllExpired } = await import('./jobs/order-expiry.job.ts');
const { ORDER_SAGA_CONSUMER, createOrderSagaHandler } = await import('./events/consumers/order-saga.consumer.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');

const metrics = createMetricsRegistry('order-worker');
const database = { service: 'order', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger, timeouts: WORKER_DATABASE_TIMEOUTS });
await migrate(orm, database);
// The pool, and how far Debezium's slots on this database (the outbox's) lag: one process per database reports them.
await measureDatabase(orm, metrics, { service: database.service, replicationSlots: true });

const kafka = createKafka({ clientId: 'order-worker', brokers: config.brokers, logger });
const consumer = await startEventConsumer({
  kafka,
  groupId: ORDER_SAGA_CONSUMER,
  topics: [TOPICS.inventory, TOPICS.payment],
  logger,
  handle: createOrderSagaHandler({ orm, logger }),
  metrics,
});
exitWhenCrashed(logger, ORDER_SAGA_CONSUMER, consumer.crashed);
const sweeper = runPeriodically({
  what: 'expiry sweep',
  intervalMs: config.expirySweepSeconds * 1000,
  logger,
  task: (stopping) => sweepAllExpired(orm, logger, stopping),
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
logger.info({ port: config.port }, 'order worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await Promise.all([sweeper.stop(), pruning.stop()]);
  await orm.close();
  // Last, so the spans of the work drained above are sent too.
  await tracing.shutdown();
});
