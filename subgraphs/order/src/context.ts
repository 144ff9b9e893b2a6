import type { MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { createLoaders } from './loaders.ts';
import type { OrderRequest } from './request.ts';
import type { CheckoutService } from './services/checkout.service.ts';
import type { OrderService } from './services/order.service.ts';
import type { OrderStatusStreamService } from './subscriptions/order-status-stream.ts';

/**
 * Per request (and per subscription, for as long as it runs): its own EntityManager and
 * loaders; services are shared.
 */
export interface OrderContext extends OrderRequest {
  checkout: CheckoutService;
  orders: OrderService;
  orderStatusStreams: OrderStatusStreamService;
  /**
   * In a subscription's context: the trace context of the event being pushed right now (set
   * as each event resolves; a subscription's events resolve one at a time), which the push
   * carries to the router in its `extensions`.
   */
  pushTraceparent?: string;
}

/** Builds each request's context: a forked EntityManager, fresh loaders, the shared services. */
export function contextFactory(deps: {
  orm: MikroORM;
  checkout: CheckoutService;
  orders: OrderService;
  orderStatusStreams: OrderStatusStreamService;
}) {
  const { orm, ...shared } = deps;
  return ({ caller, requestId }: RequestIdentity): OrderContext => {
    const em = orm.em.fork();
    return { em, caller, requestId, loaders: createLoaders(em), ...shared };
  };
}
