/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for generating demo data that is
 * identical on every machine and every run. Not for anything security-related.
 */

/** Mixes integers into one well-scrambled 32-bit seed (murmur3's finaliser per part). */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Split into two 32-bit halves so indices above 2^32 still change the seed.
    h = fmix32(h ^ fmix32(part >>> 0));
    h = fmix32(h ^ fmix32(Math.floor(part / 0x1_0000_0000) >>> 0));
  }
  return h >>> 0;
}

function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One value of a weighted choice; weights need not sum to anything in particular. */
export type Weighted<T> = readonly [value: T, weight: number];

/** A deterministic stream of numbers; the same seed always yields the same sequence. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    // splitmix32 spreads a possibly tiny seed (0, 1, 2…) over sfc32's 128 bits of state.
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return fmix32(s);
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    // sfc32's first outputs still echo the seed; the customary warm-up discards them.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.#c = (rotated + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`invalid integer range [${min}, ${max}]`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One value, with probability proportional to its weight. */
  weighted<T>(choices: readonly Weighted<T>[]): T {
    let total = 0;
    for (const [, weight] of choices) total += weight;
    if (!(total > 0)) throw new RangeError('weighted choice needs a positive total weight');
    let target = this.next() * total;
    for (const [value, weight] of choices) {
      target -= weight;
      if (target < 0) return value;
    }
    // Rounding can leave a sliver of `target` after the last positive weight.
    const last = choices.findLast(([, weight]) => weight > 0);
    return (last as Weighted<T>)[0];
  }

  /** A shuffled copy (Fisher–Yates); the input is left as it was. */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}

/** A generator seeded from one or more integers, e.g. `createRandom(seed, productIndex)`. */
export function createRandom(...seedParts: readonly number[]): Random {
  return new Random(mixSeed(...seedParts));
}
