/**
 * Bootstrap only: config → ORM (migrated) → the order events hub → server (GraphQL over
 * HTTP, subscriptions over WebSocket on the same port). The saga runs in worker.ts.
 */
import { startProcess } from '@emporium/runtime';
import { readOrderConfig } from './config.ts';

const config = readOrderConfig();
const proc = await startProcess('order', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { createSubgraphServer, jsonRoute } = await import('@emporium/graphql-server');
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

const { logger } = proc;

const orm = await proc.openDatabase({ service: 'order', serverUrl: config.databaseUrl, entities, migrations });
// Listening before the server opens: a subscriber's stream relies on the hub hearing every event from then on.
const kafka = createKafka({ clientId: 'order-subscriptions', brokers: config.brokers, logger });
const hub = new OrderEventsHub({ kafka, logger });
await hub.start();

const schema = buildSchema();
const orders = new OrderService();
const context = contextFactory({
  orm,
  checkout: new CheckoutService({
    cartServiceUrl: config.cartServiceUrl,
    signingKey: config.orderServiceKey,
    reservationTtlSeconds: config.reservationTtlSeconds,
    maxUnpaidOrders: config.maxUnpaidOrders,
    logger,
  }),
  orders,
  orderStatusStreams: new OrderStatusStreamService({
    source: hub,
    orders,
    logger,
    queueLimit: config.subscriberQueueLimit,
  }),
});
const server = await createSubgraphServer({
  name: 'order',
  metrics: proc.metrics,
  readiness: proc.readiness,
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
// Sockets first: their subscriptions stop listening before the hub (stopped with the work) goes.
proc.onStop('intake', () => subscriptions.close());
proc.onStop('intake', () => server.stop());
await proc.consume('kafka', hub);
await server.listen(config.port, config.host);
await proc.runUntilSignalled();
