import { CategorySchema } from './category.entity.ts';
import { ProductSchema } from './product.entity.ts';
import { ReviewSchema } from './review.entity.ts';
import { SellerSchema } from './seller.entity.ts';

export const entities = [ProductSchema, CategorySchema, SellerSchema, ReviewSchema];
