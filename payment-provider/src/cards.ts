/**
 * The card checks a real gateway makes before it accepts a card, and the documented test
 * cards and UPI addresses that decide a payment's outcome.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

/** How a payment ends, decided when the intent is created and applied after a delay. */
export interface Outcome {
  status: 'succeeded' | 'failed';
  failureCode: string | null;
  failureMessage: string | null;
  /** Settles after the slow delay instead of the usual one. */
  slow: boolean;
  /** Settles, but its webhook is never sent: only the lookup API shows the outcome. */
  webhookLost: boolean;
}

const succeeded: Outcome = {
  status: 'succeeded',
  failureCode: null,
  failureMessage: null,
  slow: false,
  webhookLost: false,
};
const failed = (code: string, message: string): Outcome => ({
  ...succeeded,
  status: 'failed',
  failureCode: code,
  failureMessage: message,
});

/** Test cards with a special outcome; any other valid card succeeds. */
export const TEST_CARDS: Readonly<Record<string, Outcome>> = {
  '4242424242424242': succeeded,
  '4000000000000002': failed('card_declined', 'Your card was declined.'),
  '4000000000009995': failed('insufficient_funds', 'Your card has insufficient funds.'),
  '4000000000000259': { ...succeeded, webhookLost: true },
  '4000000000003220': { ...succeeded, slow: true },
};

export const cardOutcome = (number: string): Outcome => TEST_CARDS[number] ?? succeeded;

export const upiOutcome = (vpa: string): Outcome =>
  vpa === 'failure@upi' ? failed('upi_declined', 'The UPI payment was declined.') : succeeded;

export const VPA_PATTERN = /^[\w.-]+@\w+$/;

/** The Luhn checksum every card number carries in its last digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The digits of a valid card number (spaces allowed in the input), or null. */
export function normaliseCardNumber(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const digits = input.replaceAll(' ', '');
  return /^\d{12,19}$/.test(digits) && luhnValid(digits) ? digits : null;
}

export function cardBrand(digits: string): CardBrand {
  const prefix = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(digits) || (prefix >= 2221 && prefix <= 2720)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'unknown';
}

/** A card is valid through the last day of its expiry month; fifty years ahead is a typo. */
export function expiryValid(month: unknown, year: unknown, now: Date): boolean {
  if (typeof month !== 'number' || typeof year !== 'number') return false;
  if (!Number.isInteger(month) || !Number.isInteger(year) || month < 1 || month > 12) return false;
  const thisYear = now.getUTCFullYear();
  return year * 12 + month - 1 >= thisYear * 12 + now.getUTCMonth() && year <= thisYear + 50;
}

export const cvcValid = (cvc: unknown): boolean => typeof cvc === 'string' && /^\d{3,4}$/.test(cvc);
