import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { CategorySchema } from '../entities/category.entity.ts';
import { isUuid } from '../services/product-input.ts';

export const Query: QueryResolvers = {
  product: (_parent, { id }, ctx) => (isUuid(id) ? ctx.loaders.productById.load(id.toLowerCase()) : null),
  products: (_parent, args, ctx) => ctx.catalogue.list(ctx, args),
  categories: (_parent, _args, ctx) => ctx.em.find(CategorySchema, {}, { orderBy: { name: 'asc' } }),
};
