import { createHash } from 'node:crypto';
import type { PaymentType } from '../entities/payment.entity.ts';

/** What a payOrder asked for, as far as a retry must match it. */
export interface PaymentRequest {
  orderId: string;
  paymentType: PaymentType;
  paymentMethodToken?: string | null;
  upiVpa?: string | null;
}

/**
 * One hash of order, payment type and token or VPA: a payOrder retried with the same
 * idempotency key compares it to tell "the same request again" (the same payment back,
 * charged once) from "a different request under a reused key" (refused). Only the hash is
 * stored, never the token itself.
 */
export function requestFingerprint(request: PaymentRequest): string {
  const method = request.paymentType === 'CARD' ? (request.paymentMethodToken ?? '') : (request.upiVpa ?? '');
  return createHash('sha256')
    .update(JSON.stringify([request.orderId.toLowerCase(), request.paymentType, method]))
    .digest('hex');
}
