import type { InventoryResolvers } from '../generated/resolvers-types.ts';
import { availableOf } from '../services/cart-rules.ts';

const isAdmin = (roles: readonly string[] | undefined): boolean => roles?.includes('ADMIN') ?? false;

export const Inventory: InventoryResolvers = {
  productId: (stock) => stock.productId,
  available: (stock) => availableOf(stock),
  inStock: (stock) => availableOf(stock) > 0,
  // Warehouse figures are operational detail: only admins see them.
  onHand: (stock, _args, ctx) => (isAdmin(ctx.caller?.roles) ? stock.onHand : null),
  reserved: (stock, _args, ctx) => (isAdmin(ctx.caller?.roles) ? stock.reserved : null),
};
