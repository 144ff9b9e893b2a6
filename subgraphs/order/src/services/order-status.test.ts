import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '@emporium/events';
import {
  ALLOWED_FROM,
  TERMINAL_STATUSES,
  allowedFrom,
  canTransition,
  isCancellable,
  rejectionReason,
} from './order-status.ts';

describe('order status transitions', () => {
  it('follows the happy path', () => {
    expect(canTransition('PENDING', 'AWAITING_PAYMENT')).toBe(true);
    expect(canTransition('AWAITING_PAYMENT', 'PAYMENT_PROCESSING')).toBe(true);
    expect(canTransition('PAYMENT_PROCESSING', 'PAID')).toBe(true);
  });

  it('lets a failed payment be tried again', () => {
    expect(canTransition('PAYMENT_PROCESSING', 'PAYMENT_FAILED')).toBe(true);
    expect(canTransition('PAYMENT_FAILED', 'PAYMENT_PROCESSING')).toBe(true);
    expect(canTransition('PAYMENT_FAILED', 'PAID')).toBe(true);
  });

  it('rejects only pending orders and expires only unpaid reserved ones', () => {
    expect(canTransition('PENDING', 'REJECTED')).toBe(true);
    expect(canTransition('AWAITING_PAYMENT', 'REJECTED')).toBe(false);
    expect(canTransition('AWAITING_PAYMENT', 'EXPIRED')).toBe(true);
    expect(canTransition('PAYMENT_FAILED', 'EXPIRED')).toBe(true);
    expect(canTransition('PENDING', 'EXPIRED')).toBe(false);
    expect(canTransition('PAYMENT_PROCESSING', 'EXPIRED')).toBe(false);
  });

  it('refuses out-of-order events', () => {
    expect(canTransition('PENDING', 'PAID')).toBe(false);
    expect(canTransition('PENDING', 'PAYMENT_PROCESSING')).toBe(false);
    expect(canTransition('AWAITING_PAYMENT', 'PENDING')).toBe(false);
  });

  it('lets nothing leave a terminal status', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of ORDER_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('never re-enters PENDING and has an entry for every status', () => {
    expect(Object.keys(ALLOWED_FROM).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const from of ORDER_STATUSES) expect(canTransition(from, 'PENDING')).toBe(false);
  });

  it('cancels only before payment is under way', () => {
    expect(ORDER_STATUSES.filter(isCancellable)).toEqual(['PENDING', 'AWAITING_PAYMENT', 'PAYMENT_FAILED']);
  });

  it('narrows the allowed statuses to the expected ones', () => {
    expect(allowedFrom('EXPIRED')).toEqual(['AWAITING_PAYMENT', 'PAYMENT_FAILED']);
    expect(allowedFrom('EXPIRED', ['PAYMENT_FAILED', 'PENDING'])).toEqual(['PAYMENT_FAILED']);
  });

  it('names every short product in the rejection reason', () => {
    expect(
      rejectionReason([
        { productId: 'a', requested: 3, available: 1 },
        { productId: 'b', requested: 2, available: 0 },
      ]),
    ).toBe('Insufficient stock for a (requested 3, available 1); Insufficient stock for b (requested 2, available 0)');
  });
});
