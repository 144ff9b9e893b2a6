import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** How a shopper pays. */
export type PaymentType = 'CARD' | 'UPI';

/**
 * Where a payment is. SUBMIT_FAILED is internal: the provider could not be reached (or
 * refused the call for a reason the shopper cannot fix), nothing was charged and no event
 * was published; the API shows it as FAILED with the reason "provider_unavailable".
 */
export type PaymentStatus = 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'SUBMIT_FAILED' | 'REFUNDED';

/**
 * One attempt to pay an order. The card number, CVC and token never reach this table: the
 * request fingerprint is a hash, so a retry can be recognised without keeping the token.
 * Rows are written with SQL in the services' transactions; the entity serves reads.
 */
export const PaymentSchema = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    /** The order's owner, who paid. */
    userId: p.uuid(),
    idempotencyKey: p.string().length(128),
    /** Hash of what was asked (services/request-fingerprint.ts): tells a retry from a reused key. */
    requestFingerprint: p.string().length(64),
    paymentType: p.string().$type<PaymentType>(),
    /** The provider's payment intent (pi_...), once it took the payment. */
    providerIntentId: p.string().nullable(),
    amountMinor: p.bigint('number'),
    currencyCode: p.string().length(3),
    status: p.string().$type<PaymentStatus>(),
    failureReason: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Payment = InferEntity<typeof PaymentSchema>;
