import { describe, expect, it } from 'vitest';
import { formatMoney, formatPriceRange } from './money.ts';

describe('formatMoney', () => {
  it('shows the currency and two decimals', () => {
    expect(formatMoney({ amount: '1099.00', currencyCode: 'USD' }, 'en-US')).toBe('$1,099.00');
    expect(formatMoney({ amount: '5', currencyCode: 'INR' }, 'en-IN')).toBe('₹5.00');
  });
});

describe('formatPriceRange', () => {
  it('reads open and closed ranges', () => {
    expect(formatPriceRange('*..100', 'USD', 'en-US')).toBe('Under $100');
    expect(formatPriceRange('100..500', 'USD', 'en-US')).toBe('$100 – $500');
    expect(formatPriceRange('1000..*', 'USD', 'en-US')).toBe('$1,000 and above');
  });
});
