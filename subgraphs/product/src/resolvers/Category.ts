import type { CategoryResolvers } from '../generated/resolvers-types.ts';
import type { Category as CategoryEntity } from '../entities/category.entity.ts';
import type { ProductContext } from '../context.ts';
import { isUuid } from '../services/product-input.ts';

const parentOf = (category: CategoryEntity, ctx: ProductContext): Promise<CategoryEntity | null> | null =>
  category.parentId ? ctx.loaders.categoryById.load(category.parentId) : null;

export const Category: CategoryResolvers = {
  __resolveReference: (reference, ctx) =>
    isUuid(reference.id) ? ctx.loaders.categoryById.load(reference.id.toLowerCase()) : null,
  parent: (category, _args, ctx) => parentOf(category, ctx),
  children: (category, _args, ctx) => ctx.loaders.categoriesByParent.load(category.id),
  path: async (category, _args, ctx) => {
    const path = [category];
    // The tree is a few levels deep; the loader caches each ancestor for the whole request.
    for (let parent = await parentOf(category, ctx); parent; parent = await parentOf(parent, ctx)) path.unshift(parent);
    return path;
  },
};
