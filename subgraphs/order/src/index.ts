/**
 * Bootstrap only: config → ORM (migrated) → the order events hub → server (GraphQL over
 * HTTP, subscriptions over WebSocket on the same port). The saga runs in worker.ts.
 */
import { createLogger } from '@emporium/logging';
import { startTracing } from '@emporium/telemetry';
import { readOrderConfig } from './config.ts';

const config = readOrderConfig();
const logger = createLogger('order', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const { createOrm, measureDatabase, migrate, pingDatabase } = await import('@emporium/db');
const { createSubgraphServer, exitWhenCrashed, jsonRoute, runUntilSignalled } =
  await import('@emporium/graphql-server');
const { createKafka } = await import('@emporium/kafka');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { migrations } = await import('./migrations/index.ts');
const { buildSchema } = await import('./schema.ts');
const { CheckoutService } = await import('./services/checkout.service.ts');
const { OrderService } = await import('./services/order.service.ts');
const { OrderEventsHub } = await import('./subscriptions/order-events.hub.ts');
const { OrderStatusStreamService } = await import('./subscriptions/order-status-stream.ts');
const { serveSubscriptions } = await import('./subscriptions/subscription-server.ts');

const database = { service: 'order', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);

// Listening before the server opens: a subscriber's stream relies on the hub hearing every event from then on.
const kafka = createKafka({ clientId: 'order-subscriptions', brokers: config.brokers, logger });
const hub = new OrderEventsHub({ kafka, logger });
await hub.start();
exitWhenCrashed(logger, hub.groupId, hub.crashed);

const schema = buildSchema();
const context = contextFactory({
  orm,
  checkout: new CheckoutService({
    cartServiceUrl: config.cartServiceUrl,
    signingKey: config.orderServiceKey,
    reservationTtlSeconds: config.reservationTtlSeconds,
    maxUnpaidOrders: config.maxUnpaidOrders,
    logger,
  }),
  orders: new OrderService(),
  orderStatusStreams: new OrderStatusStreamService({ source: hub, logger, queueLimit: config.subscriberQueueLimit }),
});
const server = await createSubgraphServer({
  name: 'order',
  readiness: { postgres: () => pingDatabase(orm), kafka: () => hub.ready() },
  schema,
  routerKey: config.routerKey,
  logger,
  context,
  // Live subscription figures, so operators and tests can see that ended subscriptions let go of the hub.
  routes: jsonRoute('/health/subscriptions', () => ({
    status: 'ok',
    listeners: hub.listenerCount(),
    consumerGroup: hub.groupId,
  })),
});
const subscriptions = serveSubscriptions({
  httpServer: server.httpServer,
  name: 'order',
  schema,
  routerKey: config.routerKey,
  logger,
  context,
  // A live event's trace goes on to the router, which spans the push to the client in it.
  traceOf: (ctx) => ctx.pushTraceparent,
});
// Pool figures on the subgraph's /metrics, read at each scrape.
await measureDatabase(orm, server.metrics, { service: database.service });
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  // Sockets first: their subscriptions stop listening before the hub goes.
  await subscriptions.close();
  await hub.stop();
  await server.stop();
  await orm.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
