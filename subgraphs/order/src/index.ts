/**
 * Bootstrap only: config → ORM (migrated) → the order events hub → server (GraphQL over
 * HTTP, subscriptions over WebSocket on the same port). The saga runs in worker.ts.
 */
import { createOrm, migrate, pingDatabase } from '@emporium/db';
import { createSubgraphServer, exitWhenCrashed, jsonRoute, runUntilSignalled } from '@emporium/graphql-server';
import { createKafka } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readOrderConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { buildSchema } from './schema.ts';
import { CheckoutService } from './services/checkout.service.ts';
import { OrderService } from './services/order.service.ts';
import { OrderEventsHub } from './subscriptions/order-events.hub.ts';
import { OrderStatusStreamService } from './subscriptions/order-status-stream.ts';
import { serveSubscriptions } from './subscriptions/subscription-server.ts';

const config = readOrderConfig();
const logger = createLogger('order', { level: config.logLevel });
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
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  // Sockets first: their subscriptions stop listening before the hub goes.
  await subscriptions.close();
  await hub.stop();
  await server.stop();
  await orm.close();
});
