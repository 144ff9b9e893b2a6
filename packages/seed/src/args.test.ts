import { describe, expect, it } from 'vitest';
import { parseSeedArgs } from './args.ts';

describe('parseSeedArgs', () => {
  it('defaults to ten thousand products and no force', () => {
    expect(parseSeedArgs([])).toEqual({ products: 10_000, force: false });
  });

  it('reads both flags in either form', () => {
    expect(parseSeedArgs(['--products', '250', '--force'])).toEqual({ products: 250, force: true });
    expect(parseSeedArgs(['--products=1000000'])).toEqual({ products: 1_000_000, force: false });
  });

  it('rejects counts out of range, non-integers and unknown flags', () => {
    for (const bad of ['0', '1000001', '1.5', '1e4', '-3', 'many']) {
      expect(() => parseSeedArgs([`--products=${bad}`]), bad).toThrow('--products must be an integer');
    }
    expect(() => parseSeedArgs(['--prodcts', '5'])).toThrow();
  });
});
