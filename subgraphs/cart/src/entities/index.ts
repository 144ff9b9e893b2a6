import { CartLineSchema } from './cart-line.entity.ts';
import { CartSchema } from './cart.entity.ts';
import { CatalogueProductSchema } from './catalogue-product.entity.ts';
import { InventorySchema } from './inventory.entity.ts';
import { ReservationSchema } from './reservation.entity.ts';

export const entities = [InventorySchema, CatalogueProductSchema, CartSchema, CartLineSchema, ReservationSchema];
