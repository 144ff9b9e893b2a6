import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  decodeKeyset,
  encodeKeyset,
  pageSize,
  requireCaller,
  type UserError,
  userError,
} from '@emporium/graphql-server';
import type { ProductRequest } from '../request.ts';
import { ProductSchema, type Product } from '../entities/product.entity.ts';
import { ReviewSchema, type Review } from '../entities/review.entity.ts';
import { toReview } from '../loaders.ts';
import type { Page } from './catalogue.service.ts';

import { isUuid } from './product-input.ts';

export interface ReviewPayload {
  review: Review | null;
  userErrors: UserError[];
}

/** Reviews and the per-product rating aggregate they maintain. */
export class ReviewService {
  async add(
    ctx: ProductRequest,
    input: { productId: string; rating: number; title: string; body: string },
  ): Promise<ReviewPayload> {
    const caller = requireCaller(ctx.caller);
    const errors: UserError[] = [];
    const title = input.title.trim();
    const body = input.body.trim();
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
      errors.push(userError('INVALID_INPUT', 'rating must be 1 to 5', ['input', 'rating']));
    }
    if (title.length < 1 || title.length > 120) {
      errors.push(userError('INVALID_INPUT', 'title must be 1 to 120 characters', ['input', 'title']));
    }
    if (body.length > 5000)
      errors.push(userError('INVALID_INPUT', 'body must be at most 5,000 characters', ['input', 'body']));
    if (errors.length > 0) return { review: null, userErrors: errors };

    const product = isUuid(input.productId) ? await ctx.em.findOne(ProductSchema, { id: input.productId }) : null;
    if (!product) {
      return {
        review: null,
        userErrors: [userError('PRODUCT_NOT_FOUND', 'No product has this id', ['input', 'productId'])],
      };
    }
    try {
      const review = await ctx.em.transactional(async (em) => {
        const created = em.create(ReviewSchema, {
          productId: product.id,
          authorId: caller.userId,
          rating: input.rating,
          title,
          body,
        });
        await em.flush();
        // Atomic increments: concurrent reviews of one product never lose an update.
        await em.execute(
          'UPDATE products SET rating_count = rating_count + 1, rating_sum = rating_sum + ? WHERE id = ?',
          [input.rating, product.id],
        );
        return created;
      });
      return { review, userErrors: [] };
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return {
          review: null,
          userErrors: [userError('ALREADY_REVIEWED', 'You have already reviewed this product', ['input', 'productId'])],
        };
      }
      throw error;
    }
  }

  /** A page of a product's reviews, newest first. The first page of many products is batched. */
  async page(
    ctx: ProductRequest,
    product: Product,
    args: { first?: number | null; after?: string | null },
  ): Promise<Page<Review>> {
    const first = pageSize(args.first, 10);
    let rows: Review[];
    if (args.after) {
      const { at, id } = decodeKeyset(args.after);
      rows = (
        await ctx.em.execute<Parameters<typeof toReview>[0][]>(
          `SELECT id, product_id, author_id, rating, title, body, created_at FROM reviews
           WHERE product_id = ? AND (created_at, id) < (?, ?::uuid) ORDER BY created_at DESC, id DESC LIMIT ?`,
          [product.id, at, id, first + 1],
        )
      ).map(toReview);
    } else {
      rows = await ctx.loaders.newestReviews(first).load(product.id);
    }
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      totalCount: product.ratingCount,
      edges: page.map((node) => ({ cursor: encodeKeyset(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeKeyset(last) : null },
    };
  }
}
