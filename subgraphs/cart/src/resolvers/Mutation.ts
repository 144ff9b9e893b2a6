import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { input }, ctx) => ctx.carts.add(ctx, input),
  updateCartLine: (_parent, { input }, ctx) => ctx.carts.updateLine(ctx, input),
  removeCartLine: (_parent, { input }, ctx) => ctx.carts.removeLine(ctx, input),
  mergeGuestCart: (_parent, { input }, ctx) => ctx.carts.mergeGuest(ctx, input),
  setStock: (_parent, { input }, ctx) => ctx.inventory.setStock(ctx, input),
};
