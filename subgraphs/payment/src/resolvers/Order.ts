import type { OrderResolvers } from '../generated/resolvers-types.ts';

export const Order: OrderResolvers = {
  /** The order subgraph owns orders and their visibility; this one only adds `payment`, checked on its own. */
  __resolveReference: (reference) => ({ id: reference.id }),
  payment: (order, _args, ctx) => ctx.payments.latestFor(ctx, order.id),
};
