import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A merchant selling on the store. */
export const SellerSchema = defineEntity({
  name: 'Seller',
  tableName: 'sellers',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(120),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Seller = InferEntity<typeof SellerSchema>;
