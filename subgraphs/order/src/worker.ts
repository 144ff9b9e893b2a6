/**
 * The order worker, a process of its own: config → ORM (migrated) → the saga's consumer
 * group on inventory and payment events → the expiry sweeper and event-table pruning → GET
 * /health. Replicas share the topics' partitions through the consumer group and the sweep
 * through SKIP LOCKED. Metrics on the health port's /metrics.
 */
import { startProcess } from '@emporium/runtime';
import { readOrderWorkerConfig } from './config.ts';

const config = readOrderWorkerConfig();
const proc = await startProcess('order-worker', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { TOPICS } = await import('@emporium/contracts');
const { startEventConsumer } = await import('@emporium/kafka');
const { sweepAllExpired } = await import('./jobs/order-expiry.job.ts');
const { ORDER_SAGA_CONSUMER, createOrderSagaHandler } = await import('./events/consumers/order-saga.consumer.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { logger, metrics } = proc;

// The worker owns the outbox: it reports the slot's lag and prunes the event tables.
const database = { service: 'order', serverUrl: config.databaseUrl };
const orm = await proc.openDatabase({ ...database, entities, migrations, workload: 'outbox-worker' });
const kafka = await proc.kafka(config.brokers);
await proc.consume(
  'kafka',
  await startEventConsumer({
    kafka,
    groupId: ORDER_SAGA_CONSUMER,
    topics: [TOPICS.inventory, TOPICS.payment],
    logger,
    handle: createOrderSagaHandler({ orm, logger }),
    metrics,
  }),
);
await proc.every({
  what: 'expiry sweep',
  intervalMs: config.expirySweepSeconds * 1000,
  task: (stopping) => sweepAllExpired(orm, logger, stopping),
});
await proc.serveHealth(config.port, config.host);
await proc.runUntilSignalled();
