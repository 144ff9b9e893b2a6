import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A node of the category tree; `parentId` is null at the top. */
export const CategorySchema = defineEntity({
  name: 'Category',
  tableName: 'categories',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(100),
    slug: p.string().length(100).unique(),
    parentId: p.uuid().nullable(),
  },
});

export type Category = InferEntity<typeof CategorySchema>;
