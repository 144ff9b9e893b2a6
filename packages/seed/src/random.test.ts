import { describe, expect, it } from 'vitest';
import { Random, createRandom, mixSeed } from './random.ts';

const draw = (random: Random, n: number): number[] => Array.from({ length: n }, () => random.uint32());

describe('Random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    expect(draw(createRandom(42), 100)).toEqual(draw(createRandom(42), 100));
    expect(draw(createRandom(42), 100)).not.toEqual(draw(createRandom(43), 100));
    expect(draw(createRandom(1, 2), 10)).not.toEqual(draw(createRandom(2, 1), 10));
  });

  it('keeps a fixed sequence, so seeded data stays the same across releases', () => {
    expect(draw(new Random(0), 3)).toEqual([4205396811, 3543653536, 1222415357]);
    expect(mixSeed(1, 2)).toBe(69958828);
    expect(mixSeed(2 ** 40)).not.toBe(mixSeed(0));
  });

  it('spreads floats evenly over [0, 1)', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const value = random.next();
      min = Math.min(min, value);
      max = Math.max(max, value);
      const bucket = Math.floor(value * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(n / 100);
  });

  it('draws integers within inclusive bounds, reaching both ends', () => {
    const random = createRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const value = random.int(-2, 2);
      expect(Number.isInteger(value)).toBe(true);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
    expect(() => random.int(5, 4)).toThrow(RangeError);
  });

  it('honours weights and never returns a zero-weight choice', () => {
    const random = createRandom(11);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 30_000; i++) {
      const choice = random.weighted<keyof typeof counts>([
        ['a', 1],
        ['never', 0],
        ['b', 3],
      ]);
      counts[choice] += 1;
    }
    expect(counts.never).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
    expect(() => random.weighted([['x', 0]])).toThrow(RangeError);
  });

  it('picks every element and shuffles without losing or altering any', () => {
    const random = createRandom(5);
    const items = ['a', 'b', 'c', 'd', 'e'];
    const picked = new Set(Array.from({ length: 200 }, () => random.pick(items)));
    expect(picked.size).toBe(items.length);
    const shuffled = random.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => random.pick([])).toThrow(RangeError);
  });
});
