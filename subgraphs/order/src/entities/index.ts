import { OrderLineSchema } from './order-line.entity.ts';
import { OrderStatusChangeSchema } from './order-status-change.entity.ts';
import { OrderSchema } from './order.entity.ts';

export const entities = [OrderSchema, OrderLineSchema, OrderStatusChangeSchema];
