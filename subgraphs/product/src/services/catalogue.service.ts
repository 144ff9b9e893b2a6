import { decodeKeyset, encodeKeyset, pageSize, requireRole, type UserError, userError } from '@emporium/graphql-server';
import type { ProductRequest } from '../request.ts';
import { CategorySchema } from '../entities/category.entity.ts';
import { ProductSchema, type Product } from '../entities/product.entity.ts';
import { SellerSchema } from '../entities/seller.entity.ts';

import { isUuid, validateProductFields, type ProductFields, type ValidProductFields } from './product-input.ts';

export interface ProductPayload {
  product: Product | null;
  userErrors: UserError[];
}

export interface Page<T> {
  totalCount: number;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The catalogue: listing, and admin changes to products. */
export class CatalogueService {
  async list(
    ctx: ProductRequest,
    args: { first?: number | null; after?: string | null; categoryId?: string | null },
  ): Promise<Page<Product>> {
    const first = pageSize(args.first, 20);
    const where: Record<string, unknown> = {};
    if (args.categoryId) {
      if (!isUuid(args.categoryId))
        return { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
      where['categoryId'] = { $in: await this.withDescendants(ctx, args.categoryId) };
    }
    const totalCount = await ctx.em.count(ProductSchema, where);
    if (args.after) {
      const { at, id } = decodeKeyset(args.after);
      where['$or'] = [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }];
    }
    const rows = await ctx.em.find(ProductSchema, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: first + 1,
    });
    const page = rows.slice(0, first);
    for (const product of page) ctx.loaders.productById.prime(product.id, product);
    const last = page.at(-1);
    return {
      totalCount,
      edges: page.map((node) => ({ cursor: encodeKeyset(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeKeyset(last) : null },
    };
  }

  /** A category and every category below it; the tree is small, so one query reads it whole. */
  private async withDescendants(ctx: ProductRequest, rootId: string): Promise<string[]> {
    const all = await ctx.em.find(CategorySchema, {});
    const ids = [rootId.toLowerCase()];
    for (let i = 0; i < ids.length; i += 1) {
      for (const category of all) if (category.parentId === ids[i]) ids.push(category.id);
    }
    return ids;
  }

  async create(ctx: ProductRequest, input: ProductFields): Promise<ProductPayload> {
    requireRole(ctx.caller, 'ADMIN');
    const { fields, errors } = validateProductFields(input, true);
    errors.push(...(await this.checkReferences(ctx, fields)));
    if (errors.length > 0) return { product: null, userErrors: errors };
    const product = ctx.em.create(ProductSchema, {
      name: fields.name ?? '',
      description: fields.description ?? '',
      brand: fields.brand ?? '',
      color: fields.color ?? null,
      specs: fields.specs ?? [],
      images: fields.images ?? [],
      priceMinor: fields.priceMinor ?? 0,
      currencyCode: fields.currencyCode ?? 'USD',
      categoryId: fields.categoryId ?? '',
      sellerId: fields.sellerId ?? '',
    });
    await ctx.em.flush();
    return { product, userErrors: [] };
  }

  async update(ctx: ProductRequest, input: ProductFields & { id: string }): Promise<ProductPayload> {
    requireRole(ctx.caller, 'ADMIN');
    const product = isUuid(input.id) ? await ctx.em.findOne(ProductSchema, { id: input.id }) : null;
    if (!product) {
      return { product: null, userErrors: [userError('PRODUCT_NOT_FOUND', 'No product has this id', ['input', 'id'])] };
    }
    const { fields, errors } = validateProductFields(input, false);
    errors.push(...(await this.checkReferences(ctx, fields)));
    if (errors.length > 0) return { product: null, userErrors: errors };
    ctx.em.assign(product, fields);
    await ctx.em.flush();
    return { product, userErrors: [] };
  }

  async delete(
    ctx: ProductRequest,
    input: { id: string },
  ): Promise<{ deletedProductId: string | null; userErrors: UserError[] }> {
    requireRole(ctx.caller, 'ADMIN');
    // Reviews go with it (ON DELETE CASCADE); search learns of the delete from the change stream.
    const deleted = isUuid(input.id) ? await ctx.em.nativeDelete(ProductSchema, { id: input.id.toLowerCase() }) : 0;
    if (deleted === 0) {
      return {
        deletedProductId: null,
        userErrors: [userError('PRODUCT_NOT_FOUND', 'No product has this id', ['input', 'id'])],
      };
    }
    return { deletedProductId: input.id.toLowerCase(), userErrors: [] };
  }

  private async checkReferences(ctx: ProductRequest, fields: ValidProductFields): Promise<UserError[]> {
    const errors: UserError[] = [];
    if (fields.categoryId && !(await ctx.loaders.categoryById.load(fields.categoryId))) {
      errors.push(userError('CATEGORY_NOT_FOUND', 'No category has this id', ['input', 'categoryId']));
    }
    if (fields.sellerId && !(await ctx.em.count(SellerSchema, { id: fields.sellerId }))) {
      errors.push(userError('SELLER_NOT_FOUND', 'No seller has this id', ['input', 'sellerId']));
    }
    return errors;
  }
}
