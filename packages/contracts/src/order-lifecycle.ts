/**
 * The order lifecycle as data, once for every service: which statuses each status may be
 * entered from, and what each status means to the services that follow orders from their
 * events (payment's read model, cart's reservations). The order service checks every
 * transition against this table, so a late or out-of-order event can never move an order
 * backwards; payment and cart read the same table rather than lists of their own.
 *
 * PENDING ─stock reserved→ AWAITING_PAYMENT ─payment submitted→ PAYMENT_PROCESSING ─ok→ PAID
 * PAYMENT_PROCESSING ─declined→ PAYMENT_FAILED (pay again → PAYMENT_PROCESSING or PAID)
 * PENDING ─no stock→ REJECTED; AWAITING_PAYMENT / PAYMENT_FAILED ─reservation lapsed→ EXPIRED
 * PENDING / AWAITING_PAYMENT / PAYMENT_FAILED ─owner cancels→ CANCELLED
 */
import type { OrderStatus } from './catalogue.ts';

/** The statuses each status may be entered from; PENDING is only ever the first. */
export const ORDER_ALLOWED_FROM: { readonly [S in OrderStatus]: readonly OrderStatus[] } = {
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
export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ['PAID', 'REJECTED', 'EXPIRED', 'CANCELLED'];

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_ALLOWED_FROM[to].includes(from);

/**
 * The statuses `to` may be entered from, narrowed to `expectedFrom` when the caller knows
 * which one it means (e.g. the sweeper expires only what it selected as lapsed).
 */
export function allowedFrom(to: OrderStatus, expectedFrom?: readonly OrderStatus[]): OrderStatus[] {
  const allowed = ORDER_ALLOWED_FROM[to];
  return expectedFrom ? allowed.filter((status) => expectedFrom.includes(status)) : [...allowed];
}

export const isTerminal = (status: OrderStatus): boolean => TERMINAL_ORDER_STATUSES.includes(status);

/** Statuses a shopper may still cancel from. */
export const isCancellable = (status: OrderStatus): boolean => canTransition(status, 'CANCELLED');

/** Statuses a payment may start from: those PAYMENT_PROCESSING may be entered from. */
export const isPayable = (status: OrderStatus): boolean => canTransition(status, 'PAYMENT_PROCESSING');

/**
 * What an order's status means for the stock it holds: PAID takes the reserved units out
 * of stock (COMMITTED); an order that ends unpaid after its stock was reserved (EXPIRED,
 * CANCELLED) gives them back (RELEASED); any other status leaves the reservation as it is.
 * REJECTED never held stock, so it settles nothing.
 */
export function reservationSettlement(status: OrderStatus): 'COMMITTED' | 'RELEASED' | undefined {
  if (status === 'PAID') return 'COMMITTED';
  if (isTerminal(status) && canTransition('AWAITING_PAYMENT', status)) return 'RELEASED';
  return undefined;
}

/** Ended without payment: money captured for such an order after all must go back. */
export const ENDED_UNPAID_STATUSES: readonly OrderStatus[] = TERMINAL_ORDER_STATUSES.filter(
  (status) => status !== 'PAID',
);

export const endedUnpaid = (status: OrderStatus): boolean => ENDED_UNPAID_STATUSES.includes(status);
