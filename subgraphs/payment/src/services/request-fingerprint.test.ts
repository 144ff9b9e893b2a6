import { describe, expect, it } from 'vitest';
import { requestFingerprint } from './request-fingerprint.ts';

const ORDER = '7d9c2a52-6f57-4a4c-9d3e-0d7b0c1c2b11';

describe('requestFingerprint', () => {
  it('is the same for the same request, whatever the case of the order id', () => {
    const card = { orderId: ORDER, paymentType: 'CARD' as const, paymentMethodToken: 'tok_1' };
    expect(requestFingerprint(card)).toBe(requestFingerprint({ ...card, orderId: ORDER.toUpperCase() }));
    expect(requestFingerprint(card)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the order, the type, the token or the VPA differs', () => {
    const base = requestFingerprint({ orderId: ORDER, paymentType: 'CARD', paymentMethodToken: 'tok_1' });
    expect(requestFingerprint({ orderId: ORDER, paymentType: 'CARD', paymentMethodToken: 'tok_2' })).not.toBe(base);
    expect(
      requestFingerprint({
        orderId: '00000000-0000-4000-8000-000000000000',
        paymentType: 'CARD',
        paymentMethodToken: 'tok_1',
      }),
    ).not.toBe(base);
    expect(requestFingerprint({ orderId: ORDER, paymentType: 'UPI', upiVpa: 'tok_1' })).not.toBe(base);
    const upi = requestFingerprint({ orderId: ORDER, paymentType: 'UPI', upiVpa: 'success@upi' });
    expect(requestFingerprint({ orderId: ORDER, paymentType: 'UPI', upiVpa: 'failure@upi' })).not.toBe(upi);
  });

  it('does not contain the token', () => {
    const token = 'tok_abcdef123456';
    expect(requestFingerprint({ orderId: ORDER, paymentType: 'CARD', paymentMethodToken: token })).not.toContain(token);
  });
});
