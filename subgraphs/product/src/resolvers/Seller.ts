import type { SellerResolvers } from '../generated/resolvers-types.ts';
import { isUuid } from '../services/product-input.ts';

export const Seller: SellerResolvers = {
  __resolveReference: (reference, ctx) =>
    isUuid(reference.id) ? ctx.loaders.sellerById.load(reference.id.toLowerCase()) : null,
};
