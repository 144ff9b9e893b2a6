import { describe, expect, it } from 'vitest';
import { formatCountdown, secondsLeft } from './countdown.ts';

describe('countdown', () => {
  it('counts whole seconds down to zero and no further', () => {
    const deadline = '2026-01-01T00:15:00.000Z';
    expect(secondsLeft(deadline, Date.parse('2026-01-01T00:00:00.000Z'))).toBe(900);
    expect(secondsLeft(deadline, Date.parse('2026-01-01T00:14:59.500Z'))).toBe(1);
    expect(secondsLeft(deadline, Date.parse('2026-01-01T00:20:00.000Z'))).toBe(0);
  });

  it('formats minutes and seconds, hours only when there are some', () => {
    expect(formatCountdown(905)).toBe('15:05');
    expect(formatCountdown(59)).toBe('0:59');
    expect(formatCountdown(3725)).toBe('1:02:05');
  });
});
