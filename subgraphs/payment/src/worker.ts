/**
 * The payment worker, a process of its own: config → ORM (migrated) → the consumer group
 * that keeps the order read model (and refunds late captures) → the reconciler → GET
 * /health. Replicas share the order topic's partitions through the consumer group; the
 * reconciler's passes are idempotent, so replicas may overlap.
 */
import { startProcess } from '@emporium/runtime';
import { readPaymentWorkerConfig } from './config.ts';

const config = readPaymentWorkerConfig();
const proc = await startProcess('payment-worker', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { TOPICS } = await import('@emporium/contracts');
const { startEventConsumer } = await import('@emporium/kafka');
const { PAYABLE_ORDERS_CONSUMER, createPayableOrdersHandler } =
  await import('./events/consumers/payable-orders.consumer.ts');
const { reconcilePayments } = await import('./jobs/payment-reconciliation.job.ts');
const { refundLatePayments } = await import('./services/refund.service.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { ProviderClient } = await import('./services/provider-client.ts');
const { logger, metrics } = proc;

// The worker owns the outbox: it reports the slot's lag and prunes the event tables.
const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await proc.openDatabase({ ...database, entities, migrations, workload: 'outbox-worker' });
const provider = new ProviderClient({
  baseUrl: config.provider.url,
  secretKey: config.provider.secretKey,
  timeoutMs: config.provider.timeoutMs,
  logger,
});
const kafka = await proc.kafka(config.brokers);
await proc.consume(
  'kafka',
  await startEventConsumer({
    kafka,
    groupId: PAYABLE_ORDERS_CONSUMER,
    topics: [TOPICS.order],
    logger,
    handle: createPayableOrdersHandler({ orm, provider, logger }),
    metrics,
  }),
);
// Reconciles payments waiting for an outcome, and refunds late captures the consumer could not refund at the time.
const reconcilerLogger = logger.child({ component: 'reconciler' });
await proc.every({
  what: 'reconciliation',
  intervalMs: config.reconcileIntervalSeconds * 1000,
  task: async () => {
    await reconcilePayments(orm.em.fork(), provider, reconcilerLogger, config.reconcileAfterSeconds);
    await refundLatePayments(orm.em.fork(), provider, reconcilerLogger);
  },
});
await proc.serveHealth(config.port, config.host);
await proc.runUntilSignalled();
