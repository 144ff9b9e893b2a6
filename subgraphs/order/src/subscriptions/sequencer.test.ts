import { describe, expect, it } from 'vitest';
import { Sequencer } from './sequencer.ts';

describe('Sequencer', () => {
  it('delivers consecutive sequences and advances', () => {
    const sequencer = new Sequencer(0);
    expect([1, 2, 3].map((sequence) => sequencer.offer(sequence))).toEqual(['deliver', 'deliver', 'deliver']);
    expect(sequencer.last).toBe(3);
  });

  it('drops what was delivered or seen before subscribing', () => {
    const sequencer = new Sequencer(4);
    expect(sequencer.offer(4)).toBe('duplicate');
    expect(sequencer.offer(2)).toBe('duplicate');
    expect(sequencer.offer(5)).toBe('deliver');
    expect(sequencer.offer(5)).toBe('duplicate');
    expect(sequencer.last).toBe(5);
  });

  it('reports a gap without advancing, so the missing ones can come first', () => {
    const sequencer = new Sequencer(1);
    expect(sequencer.offer(4)).toBe('gap');
    expect(sequencer.last).toBe(1);
    expect(sequencer.offer(2)).toBe('deliver');
    expect(sequencer.offer(3)).toBe('deliver');
    expect(sequencer.offer(4)).toBe('deliver');
  });

  it('skips ahead only forwards', () => {
    const sequencer = new Sequencer(2);
    sequencer.skipTo(5);
    expect(sequencer.last).toBe(5);
    expect(sequencer.offer(4)).toBe('duplicate');
    expect(() => {
      sequencer.skipTo(5);
    }).toThrow(RangeError);
  });

  it('refuses a negative or fractional starting point', () => {
    expect(() => new Sequencer(-1)).toThrow(RangeError);
    expect(() => new Sequencer(1.5)).toThrow(RangeError);
  });
});
