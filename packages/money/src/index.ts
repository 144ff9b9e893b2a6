/**
 * Money as integer minor units (cents, paise) end to end, rendered as a decimal string only
 * at the API edge. Floating point never touches an amount.
 */

/** The API's Money: a decimal string amount and an ISO 4217 currency code. */
export interface Money {
  amount: string;
  currencyCode: string;
}

/** Every currency the catalogue sells in uses two decimal places. */
const MINOR_DIGITS = 2;
const DECIMAL = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/;

export function formatMinor(minor: bigint | number, currencyCode: string): Money {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(MINOR_DIGITS + 1, '0');
  const amount = `${negative ? '-' : ''}${digits.slice(0, -MINOR_DIGITS)}.${digits.slice(-MINOR_DIGITS)}`;
  return { amount, currencyCode };
}

/**
 * Parses a non-negative decimal amount ("1099", "1099.5", "1099.00") into minor units.
 * Returns undefined for anything else: negative, exponent, more than two decimals, too large.
 */
export function parseAmount(amount: string): bigint | undefined {
  const match = DECIMAL.exec(amount.trim());
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(MINOR_DIGITS, '0'));
}

export const CURRENCY_CODE = /^[A-Z]{3}$/;
