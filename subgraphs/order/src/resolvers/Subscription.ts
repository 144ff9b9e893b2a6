import type { OrderContext } from '../context.ts';
import type { SubscriptionResolvers } from '../generated/resolvers-types.ts';
import type { OrderStatusEventView } from '../subscriptions/order-status-stream.ts';

export const Subscription: SubscriptionResolvers = {
  orderStatusChanged: {
    subscribe: (_parent, args, ctx) => ctx.orderStatusStreams.subscribe(ctx, args),
    /** Each event the stream yields, with its order read as it is now. */
    resolve: (event: OrderStatusEventView, _args: unknown, ctx: OrderContext) =>
      ctx.orderStatusStreams.present(ctx, event),
  },
};
