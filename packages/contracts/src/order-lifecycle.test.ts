import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderStatus } from './catalogue.ts';
import {
  ENDED_UNPAID_STATUSES,
  ORDER_ALLOWED_FROM,
  TERMINAL_ORDER_STATUSES,
  allowedFrom,
  canTransition,
  isCancellable,
  isPayable,
  reservationSettlement,
} from './order-lifecycle.ts';

/**
 * Every arrow of the contract's diagram (schema/contract/README.md, "Order lifecycle"),
 * with the two its prose adds: a payment that failed may still succeed late, and a failed
 * payment's reservation lapses like an unpaid one.
 */
const CONTRACT_TRANSITIONS: readonly (readonly [OrderStatus, OrderStatus])[] = [
  ['PENDING', 'AWAITING_PAYMENT'], // stock reserved
  ['PENDING', 'REJECTED'], // no stock
  ['AWAITING_PAYMENT', 'PAYMENT_PROCESSING'], // payOrder
  ['PAYMENT_PROCESSING', 'PAID'], // ok
  ['PAYMENT_PROCESSING', 'PAYMENT_FAILED'], // declined
  ['PAYMENT_FAILED', 'PAYMENT_PROCESSING'], // can pay again
  ['PAYMENT_FAILED', 'PAID'], // a success that arrives after a decline
  ['AWAITING_PAYMENT', 'EXPIRED'], // reservation timed out
  ['PAYMENT_FAILED', 'EXPIRED'],
  ['PENDING', 'CANCELLED'], // by owner, before payment is under way
  ['AWAITING_PAYMENT', 'CANCELLED'],
  ['PAYMENT_FAILED', 'CANCELLED'],
];

describe('the order lifecycle', () => {
  it('allows exactly the transitions of the contract, and no other pair of statuses', () => {
    const allowed = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(CONTRACT_TRANSITIONS.map(([from, to]) => `${from}→${to}`).sort());
  });

  it('has an entry for every status, never re-enters PENDING and lets nothing leave a terminal status', () => {
    expect(Object.keys(ORDER_ALLOWED_FROM).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const from of ORDER_STATUSES) expect(canTransition(from, 'PENDING')).toBe(false);
    for (const from of TERMINAL_ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('cancels and pays only from the statuses the contract names', () => {
    expect(ORDER_STATUSES.filter(isCancellable)).toEqual(['PENDING', 'AWAITING_PAYMENT', 'PAYMENT_FAILED']);
    expect(ORDER_STATUSES.filter(isPayable)).toEqual(['AWAITING_PAYMENT', 'PAYMENT_FAILED']);
  });

  it('commits stock when paid, releases it when an order that held it ends unpaid, and else leaves it', () => {
    expect(Object.fromEntries(ORDER_STATUSES.map((status) => [status, reservationSettlement(status)]))).toEqual({
      PENDING: undefined,
      AWAITING_PAYMENT: undefined,
      PAYMENT_PROCESSING: undefined,
      PAYMENT_FAILED: undefined,
      PAID: 'COMMITTED',
      REJECTED: undefined,
      EXPIRED: 'RELEASED',
      CANCELLED: 'RELEASED',
    });
    expect(ENDED_UNPAID_STATUSES).toEqual(['REJECTED', 'EXPIRED', 'CANCELLED']);
  });

  it('narrows the allowed statuses to the expected ones', () => {
    expect(allowedFrom('EXPIRED')).toEqual(['AWAITING_PAYMENT', 'PAYMENT_FAILED']);
    expect(allowedFrom('EXPIRED', ['PAYMENT_FAILED', 'PENDING'])).toEqual(['PAYMENT_FAILED']);
  });
});
