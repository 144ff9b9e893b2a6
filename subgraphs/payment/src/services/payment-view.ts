import type { Payment, PaymentStatus } from '../entities/payment.entity.ts';

/** An order of the order subgraph, by reference: the router fetches its other fields there. */
export interface OrderReference {
  id: string;
}

/** The API's payment statuses; SUBMIT_FAILED is internal and shows as FAILED. */
export type ApiPaymentStatus = 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

export const apiStatus = (status: PaymentStatus): ApiPaymentStatus => (status === 'SUBMIT_FAILED' ? 'FAILED' : status);

/** Why it failed; null for a payment that did not. */
export const failureReason = (payment: Payment): string | null =>
  payment.status === 'FAILED' || payment.status === 'SUBMIT_FAILED'
    ? (payment.failureReason ?? 'payment_failed')
    : null;

/** What `paymentConfig` answers: public, the same for every caller. */
export interface PaymentConfigView {
  provider: string;
  publishableKey: string;
  tokenizationUrl: string;
  supportedPaymentTypes: ('CARD' | 'UPI')[];
}

export function paymentConfigView(provider: { publicUrl: string; publishableKey: string }): PaymentConfigView {
  return {
    provider: 'emporium-pay',
    publishableKey: provider.publishableKey,
    tokenizationUrl: new URL('/v1/tokens', provider.publicUrl).toString(),
    supportedPaymentTypes: ['CARD', 'UPI'],
  };
}
