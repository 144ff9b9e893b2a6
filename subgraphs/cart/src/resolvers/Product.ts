import type { ProductResolvers } from '../generated/resolvers-types.ts';

export const Product: ProductResolvers = {
  // Stock is looked up when asked for: a page of products costs one query through the loader.
  __resolveReference: (reference) => ({ id: reference.id }),
  inventory: (product, _args, ctx) => ctx.loaders.inventoryByProduct.load(product.id),
};
