import DataLoader from 'dataloader';
import type { EntityManager } from '@emporium/db';
import { CategorySchema, type Category } from './entities/category.entity.ts';
import { ProductSchema, type Product } from './entities/product.entity.ts';
import { SellerSchema, type Seller } from './entities/seller.entity.ts';
import type { Review } from './entities/review.entity.ts';

const byId = <T extends { id: string }>(ids: readonly string[], rows: readonly T[]): (T | null)[] => {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id) ?? null);
};

interface ReviewRow {
  id: string;
  product_id: string;
  author_id: string;
  rating: number;
  title: string;
  body: string;
  created_at: Date;
}

/**
 * Per-request batching: however many products a page shows, their categories, sellers and
 * first reviews each cost one query.
 */
export function createLoaders(em: EntityManager) {
  const reviewLoaders = new Map<number, DataLoader<string, Review[]>>();
  return {
    productById: new DataLoader<string, Product | null>(async (ids) =>
      byId(ids, await em.find(ProductSchema, { id: { $in: [...ids] } })),
    ),
    categoryById: new DataLoader<string, Category | null>(async (ids) =>
      byId(ids, await em.find(CategorySchema, { id: { $in: [...ids] } })),
    ),
    categoriesByParent: new DataLoader<string, Category[]>(async (parentIds) => {
      const children = await em.find(
        CategorySchema,
        { parentId: { $in: [...parentIds] } },
        { orderBy: { name: 'asc' } },
      );
      return parentIds.map((id) => children.filter((child) => child.parentId === id));
    }),
    sellerById: new DataLoader<string, Seller | null>(async (ids) =>
      byId(ids, await em.find(SellerSchema, { id: { $in: [...ids] } })),
    ),
    /** The newest `first + 1` reviews of each product (one extra tells whether there is a next page). */
    newestReviews(first: number): DataLoader<string, Review[]> {
      let loader = reviewLoaders.get(first);
      if (!loader) {
        loader = new DataLoader<string, Review[]>(async (productIds) => {
          const rows = await em.execute<ReviewRow[]>(
            `SELECT id, product_id, author_id, rating, title, body, created_at FROM (
               SELECT r.*, row_number() OVER (PARTITION BY product_id ORDER BY created_at DESC, id DESC) AS position
               FROM reviews r WHERE product_id IN (?)
             ) ranked WHERE position <= ? ORDER BY product_id, position`,
            [[...productIds], first + 1],
          );
          const reviews = rows.map(toReview);
          return productIds.map((id) => reviews.filter((review) => review.productId === id));
        });
        reviewLoaders.set(first, loader);
      }
      return loader;
    },
  };
}

export const toReview = (row: ReviewRow): Review => ({
  id: row.id,
  productId: row.product_id,
  authorId: row.author_id,
  rating: row.rating,
  title: row.title,
  body: row.body,
  createdAt: new Date(row.created_at),
});

export type Loaders = ReturnType<typeof createLoaders>;
