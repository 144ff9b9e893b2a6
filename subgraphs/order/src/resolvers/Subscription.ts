import type { OrderContext } from '../context.ts';
import type { SubscriptionResolvers } from '../generated/resolvers-types.ts';
import type { OrderStatusEventView } from '../subscriptions/order-status-stream.ts';

export const Subscription: SubscriptionResolvers = {
  orderStatusChanged: {
    subscribe: (_parent, args, ctx) => ctx.orderStatusStreams.subscribe(ctx, args),
    /**
     * Each event the stream yields, with its order read as it is now. Over HTTP the field is
     * executed as a query with no event at all, which `present` refuses as bad input.
     */
    resolve: (event: OrderStatusEventView | undefined, _args: unknown, ctx: OrderContext) => {
      ctx.pushTraceparent = event?.traceparent;
      return ctx.orderStatusStreams.present(ctx, event);
    },
  },
};
