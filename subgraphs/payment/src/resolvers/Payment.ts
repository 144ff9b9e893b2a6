import { formatMinor } from '@emporium/money';
import type { PaymentResolvers } from '../generated/resolvers-types.ts';
import { apiStatus, failureReason } from '../services/payment-view.ts';

export const Payment: PaymentResolvers = {
  status: (payment) => apiStatus(payment.status),
  failureReason: (payment) => failureReason(payment),
  amount: (payment) => formatMinor(payment.amountMinor, payment.currencyCode),
};
