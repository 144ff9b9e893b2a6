import type { OrderStatus } from '../generated/graphql.ts';

/** Each order status as the shopper reads it. */
export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: 'Order placed',
  AWAITING_PAYMENT: 'Items reserved, awaiting payment',
  PAYMENT_PROCESSING: 'Payment processing',
  PAYMENT_FAILED: 'Payment failed',
  PAID: 'Paid',
  REJECTED: 'Not enough stock',
  EXPIRED: 'Reservation expired',
  CANCELLED: 'Cancelled',
};
