import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A product's stock. `reserved` counts units held for unpaid orders; the table's CHECK keeps
 * it between 0 and `on_hand`, so the database itself refuses to oversell. Stock changes go
 * through conditional SQL updates, never through this entity's flush.
 */
export const InventorySchema = defineEntity({
  name: 'Inventory',
  tableName: 'inventory',
  properties: {
    productId: p.uuid().primary(),
    onHand: p.integer(),
    reserved: p.integer().default(0),
    updatedAt: p.datetime().nullable(),
  },
});

export type Inventory = InferEntity<typeof InventorySchema>;
