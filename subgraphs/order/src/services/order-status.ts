/**
 * The order lifecycle as data: which statuses each status may be entered from. Every
 * transition (saga events, the expiry sweeper, the shopper cancelling) is checked against
 * this one table, so a late or out-of-order event can never move an order backwards.
 *
 * PENDING ─stock reserved→ AWAITING_PAYMENT ─payment submitted→ PAYMENT_PROCESSING ─ok→ PAID
 * PAYMENT_PROCESSING ─declined→ PAYMENT_FAILED (pay again → PAYMENT_PROCESSING or PAID)
 * PENDING ─no stock→ REJECTED; AWAITING_PAYMENT / PAYMENT_FAILED ─reservation lapsed→ EXPIRED
 * PENDING / AWAITING_PAYMENT / PAYMENT_FAILED ─owner cancels→ CANCELLED
 */
import type { OrderStatus } from '@emporium/events';

export type { OrderStatus };

/** The statuses each status may be entered from; PENDING is only ever the first. */
export const ALLOWED_FROM: { readonly [S in OrderStatus]: readonly OrderStatus[] } = {
  PENDING: [],
  AWAITING_PAYMENT: ['PENDING'],
  PAYMENT_PROCESSING: ['AWAITING_PAYMENT', 'PAYMENT_FAILED'],
  PAYMENT_FAILED: ['PAYMENT_PROCESSING'],
  PAID: ['PAYMENT_PROCESSING', 'PAYMENT_FAILED'],
  REJECTED: ['PENDING'],
  EXPIRED: ['AWAITING_PAYMENT', 'PAYMENT_FAILED'],
  CANCELLED: ['PENDING', 'AWAITING_PAYMENT', 'PAYMENT_FAILED'],
};

/** Statuses nothing leaves. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['PAID', 'REJECTED', 'EXPIRED', 'CANCELLED'];

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ALLOWED_FROM[to].includes(from);

/**
 * The statuses `to` may be entered from, narrowed to `expectedFrom` when the caller knows
 * which one it means (e.g. the sweeper expires only what it selected as lapsed).
 */
export function allowedFrom(to: OrderStatus, expectedFrom?: readonly OrderStatus[]): OrderStatus[] {
  const allowed = ALLOWED_FROM[to];
  return expectedFrom ? allowed.filter((status) => expectedFrom.includes(status)) : [...allowed];
}

/** Statuses a shopper may still cancel from. */
export const isCancellable = (status: OrderStatus): boolean => canTransition(status, 'CANCELLED');

/** The reason recorded when stock ran short: names every short product. */
export function rejectionReason(
  shortages: readonly { productId: string; requested: number; available: number }[],
): string {
  return shortages
    .map(
      (shortage) =>
        `Insufficient stock for ${shortage.productId} (requested ${shortage.requested}, available ${shortage.available})`,
    )
    .join('; ');
}

export const EXPIRED_REASON = 'Reservation expired';
export const CANCELLED_REASON = 'Cancelled by the shopper';
