import { describe, expect, it } from 'vitest';
import { TEST_CARDS, cardBrand, cardOutcome, cvcValid, expiryValid, luhnValid, normaliseCardNumber } from './cards.ts';

describe('luhnValid', () => {
  it.each(Object.keys(TEST_CARDS))('accepts the test card %s', (number) => {
    expect(luhnValid(number)).toBe(true);
  });

  it.each(['4242424242424241', '4000000000000001', '79927398710'])('rejects %s', (number) => {
    expect(luhnValid(number)).toBe(false);
  });

  it('accepts the textbook example', () => {
    expect(luhnValid('79927398713')).toBe(true);
  });
});

describe('normaliseCardNumber', () => {
  it('strips spaces', () => {
    expect(normaliseCardNumber('4242 4242 4242 4242')).toBe('4242424242424242');
  });

  it.each([4242424242424242, '4242-4242-4242-4242', '42424242424', '4'.repeat(20), '4242424242424241', ''])(
    'rejects %j',
    (input) => {
      expect(normaliseCardNumber(input)).toBeNull();
    },
  );
});

describe('cardBrand', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    ['3056930009020004', 'unknown'],
  ])('%s is %s', (number, brand) => {
    expect(cardBrand(number)).toBe(brand);
  });
});

describe('expiryValid', () => {
  const now = new Date('2026-11-25T12:00:00Z');

  it('accepts the current month and later', () => {
    expect(expiryValid(11, 2026, now)).toBe(true);
    expect(expiryValid(1, 2027, now)).toBe(true);
  });

  it.each([
    [10, 2026],
    [0, 2030],
    [13, 2030],
    [12, 2077],
    [1.5, 2030],
    ['12', 2030],
    [12, undefined],
  ])('rejects %j/%j', (month, year) => {
    expect(expiryValid(month, year, now)).toBe(false);
  });
});

describe('cvcValid', () => {
  it('takes 3 or 4 digits as a string', () => {
    expect(cvcValid('123')).toBe(true);
    expect(cvcValid('1234')).toBe(true);
    expect(cvcValid('12')).toBe(false);
    expect(cvcValid('12a')).toBe(false);
    expect(cvcValid(123)).toBe(false);
  });
});

describe('cardOutcome', () => {
  it('declines, delays and loses as documented, and lets any other card succeed', () => {
    expect(cardOutcome('4000000000000002')).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    expect(cardOutcome('4000000000009995')).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds' });
    expect(cardOutcome('4000000000000259')).toMatchObject({ status: 'succeeded', webhookLost: true });
    expect(cardOutcome('4000000000003220')).toMatchObject({ status: 'succeeded', slow: true });
    expect(cardOutcome('5555555555554444')).toMatchObject({ status: 'succeeded', slow: false, webhookLost: false });
  });
});
