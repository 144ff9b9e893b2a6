/**
 * The order worker, a process of its own: config → ORM (migrated) → the saga's consumer
 * group on inventory and payment events → the expiry sweeper and event-table pruning → GET /health. Replicas share
 * the topics' partitions through the consumer group and the sweep through SKIP LOCKED.
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
import { readOrderWorkerConfig } from './config.ts';
import { sweepAllExpired } from './consumers/expiry-sweeper.ts';
import { ORDER_SAGA_CONSUMER, createOrderSagaHandler } from './consumers/order-saga.consumer.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';

const config = readOrderWorkerConfig();
const logger = createLogger('order-worker', { level: config.logLevel });
const database = { service: 'order', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger, timeouts: WORKER_DATABASE_TIMEOUTS });
await migrate(orm, database);

const kafka = createKafka({ clientId: 'order-worker', brokers: config.brokers, logger });
const consumer = await startEventConsumer({
  kafka,
  groupId: ORDER_SAGA_CONSUMER,
  topics: [TOPICS.inventory, TOPICS.payment],
  logger,
  handle: createOrderSagaHandler({ orm, logger }),
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

const health = await serveWorkerHealth(config.port, config.host, {
  postgres: () => pingDatabase(orm),
  kafka: () => consumer.ready(),
});
logger.info({ port: config.port }, 'order worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await Promise.all([sweeper.stop(), pruning.stop()]);
  await orm.close();
});
