/**
 * The order worker, a process of its own: config → ORM (migrated) → the saga's consumer
 * group on inventory and payment events → the expiry sweeper → GET /health. Replicas share
 * the topics' partitions through the consumer group and the sweep through SKIP LOCKED.
 */
import { createServer } from 'node:http';
import { createOrm, migrate } from '@emporium/db';
import { TOPICS } from '@emporium/events';
import { listen, runUntilSignalled } from '@emporium/graphql-server';
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
// kafkajs restarts a consumer after retriable errors by itself; after any other, exit so the
// supervisor (or orchestrator) starts a fresh process that resumes from the committed offsets.
void consumer.crashed.then((error) => {
  logger.error({ err: error }, 'order saga consumer stopped');
  process.exit(1);
});
const sweeper = startExpirySweeper({ orm, logger, intervalMs: config.expirySweepSeconds * 1000 });

const health = createServer((req, res) => {
  const found = req.method === 'GET' && req.url === '/health';
  res
    .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
    .end(JSON.stringify(found ? { status: 'ok' } : { error: 'not found' }));
});
await listen(health, config.port, config.host);
logger.info({ port: config.port }, 'order worker running');

runUntilSignalled(logger, async () => {
  health.close();
  await consumer.stop();
  await sweeper.stop();
  await orm.close();
});
