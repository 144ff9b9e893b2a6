import { formatMinor } from '@emporium/money';
import type { ProductResolvers } from '../generated/resolvers-types.ts';
import { isUuid } from '../services/product-input.ts';

const missing = (what: string, id: string): Error => new Error(`${what} ${id} is missing`);

export const Product: ProductResolvers = {
  __resolveReference: (reference, ctx) =>
    isUuid(reference.id) ? ctx.loaders.productById.load(reference.id.toLowerCase()) : null,
  price: (product) => formatMinor(product.priceMinor, product.currencyCode),
  images: (product, _args, ctx) =>
    product.images.map((image) => ({ url: `${ctx.mediaBaseUrl}/${image.key}`, altText: image.altText })),
  thumbnailUrl: (product, _args, ctx) => {
    const first = product.images[0];
    return first ? `${ctx.mediaBaseUrl}/${first.key}` : null;
  },
  category: async (product, _args, ctx) =>
    (await ctx.loaders.categoryById.load(product.categoryId)) ??
    Promise.reject(missing('category', product.categoryId)),
  seller: async (product, _args, ctx) =>
    (await ctx.loaders.sellerById.load(product.sellerId)) ?? Promise.reject(missing('seller', product.sellerId)),
  rating: (product) => ({
    count: product.ratingCount,
    average: product.ratingCount === 0 ? null : Math.round((product.ratingSum / product.ratingCount) * 100) / 100,
  }),
  reviews: (product, args, ctx) => ctx.reviews.page(ctx, product, args),
};
