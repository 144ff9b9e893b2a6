import type { MikroORM } from '@emporium/db';
import type { RequestIdentity } from '@emporium/graphql-server';
import { createLoaders } from './loaders.ts';
import type { PaymentRequest } from './request.ts';
import type { PaymentConfigView } from './services/payment-view.ts';
import type { PaymentService } from './services/payment.service.ts';

/** Per request: its own EntityManager and loaders; services are shared. */
export interface PaymentContext extends PaymentRequest {
  payments: PaymentService;
  /** What `paymentConfig` answers. */
  paymentConfig: PaymentConfigView;
}

/** Builds each request's context: a forked EntityManager, fresh loaders, the shared services. */
export function contextFactory(deps: { orm: MikroORM; payments: PaymentService; paymentConfig: PaymentConfigView }) {
  const { orm, ...shared } = deps;
  return ({ caller, requestId }: RequestIdentity): PaymentContext => {
    const em = orm.em.fork();
    return { em, caller, requestId, loaders: createLoaders(em), ...shared };
  };
}
