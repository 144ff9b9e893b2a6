import { describe, expect, it } from 'vitest';
import { formatMinor, parseAmount } from './index.ts';

describe('money', () => {
  it('renders minor units as a two-decimal string', () => {
    expect(formatMinor(109900n, 'USD')).toEqual({ amount: '1099.00', currencyCode: 'USD' });
    expect(formatMinor(5, 'INR')).toEqual({ amount: '0.05', currencyCode: 'INR' });
    expect(formatMinor(-250, 'USD').amount).toBe('-2.50');
  });

  it('parses decimal amounts exactly and refuses anything else', () => {
    expect(parseAmount('1099')).toBe(109900n);
    expect(parseAmount('1099.5')).toBe(109950n);
    expect(parseAmount('0.07')).toBe(7n);
    for (const bad of ['-1', '1e3', '1.999', 'abc', '', '01.00', '1234567890123']) {
      expect(parseAmount(bad), bad).toBeUndefined();
    }
  });
});
