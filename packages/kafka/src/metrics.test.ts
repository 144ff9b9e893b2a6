import { describe, expect, it } from 'vitest';
import { messageAgeSeconds } from './metrics.ts';

describe('messageAgeSeconds', () => {
  it("is the seconds from a message's timestamp (ms, as kafkajs gives it) to now", () => {
    expect(messageAgeSeconds('1764000000000', 1_764_000_001_500)).toBe(1.5);
  });

  it('reads a timestamp ahead of this clock as no wait, and a missing or invalid one as unknown', () => {
    expect(messageAgeSeconds('1764000002000', 1_764_000_001_500)).toBe(0);
    expect(messageAgeSeconds(undefined, 1_764_000_001_500)).toBeUndefined();
    expect(messageAgeSeconds('', 1_764_000_001_500)).toBeUndefined();
    expect(messageAgeSeconds('-1', 1_764_000_001_500)).toBeUndefined();
  });
});
