import { PayableOrderSchema } from './payable-order.entity.ts';
import { PaymentSchema } from './payment.entity.ts';
import { ProviderEventSchema } from './provider-event.entity.ts';

export const entities = [PaymentSchema, PayableOrderSchema, ProviderEventSchema];
