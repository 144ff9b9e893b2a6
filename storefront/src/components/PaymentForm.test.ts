import { describe, expect, it } from 'vitest';
import { parseExpiry } from './PaymentForm.tsx';

describe('parseExpiry', () => {
  it('reads MM/YY and MM/YYYY', () => {
    expect(parseExpiry('12/30')).toEqual({ expMonth: 12, expYear: 2030 });
    expect(parseExpiry(' 3 / 2031 ')).toEqual({ expMonth: 3, expYear: 2031 });
  });

  it('rejects what is not a month and a year', () => {
    for (const value of ['13/30', '0/30', '1230', '12/3', 'ab/cd', '']) expect(parseExpiry(value), value).toBeNull();
  });
});
