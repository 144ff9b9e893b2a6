import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One shopper's review of one product; (productId, authorId) is unique. */
export const ReviewSchema = defineEntity({
  name: 'Review',
  tableName: 'reviews',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    productId: p.uuid(),
    /** A user of the identity subgraph; no foreign key crosses services. */
    authorId: p.uuid(),
    rating: p.smallint(),
    title: p.string().length(120),
    body: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Review = InferEntity<typeof ReviewSchema>;
