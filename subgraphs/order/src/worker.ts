/**
 * The order worker, a process of its own: config → ORM (migrated) → the saga's consumer
 * group on inventory and payment events → the expiry sweeper → GET /health. Replicas share
 * the topics' partitions through the consumer group and the sweep through SKIP LOCKED.
 */
import { createOrm, migrate } from '@emporium/db';
import { TOPICS } from '@emporium/events';
import { exitWhenCrashed, runUntilSignalled, serveWorkerHealth } from '@emporium/graphql-server';
import { createKafka, startEventConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readOrderWorkerConfig } from './config.ts';
import { startExpirySweeper } from './consumers/expiry-sweeper.ts';
import { ORDER_SAGA_CONSUMER, createOrderSagaHandler } from './consumers/order-saga.consumer.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';

const config = readOrderWorkerConfig();
const logger = createLogger('order-worker', { level: config.logLevel });
const database = { service: 'order', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
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
const sweeper = startExpirySweeper({ orm, logger, intervalMs: config.expirySweepSeconds * 1000 });

const health = await serveWorkerHealth(config.port, config.host);
logger.info({ port: config.port }, 'order worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await sweeper.stop();
  await orm.close();
});
