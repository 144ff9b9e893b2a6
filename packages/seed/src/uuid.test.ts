import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, seedUuid } from './uuid.ts';

describe('seedUuid', () => {
  it('is stable for a namespace and index', () => {
    // Pinned: the identity and product seeds, and databases seeded by older releases, must agree.
    expect(seedUuid('reviewer', 0)).toBe('06c6db02-360f-5a6c-a138-2e5b613a5563');
    expect(seedUuid('product:1', 123_456)).toBe('df3e03a0-aa66-5c05-981f-df89549c513f');
  });

  it('has the shape, version and variant of an RFC 9562 UUID', () => {
    for (let i = 0; i < 1_000; i++) {
      const id = seedUuid('product:1', i);
      expect(id).toMatch(UUID_PATTERN);
      expect(id.charAt(14)).toBe('5');
      expect('89ab').toContain(id.charAt(19));
    }
  });

  it('never repeats across indices or namespaces', () => {
    const ids = new Set<string>();
    for (const namespace of ['a', 'b', 'a:1']) {
      for (let i = 0; i < 5_000; i++) ids.add(seedUuid(namespace, i));
    }
    expect(ids.size).toBe(15_000);
  });

  it('rejects indices that are not natural numbers', () => {
    expect(() => seedUuid('a', -1)).toThrow(RangeError);
    expect(() => seedUuid('a', 1.5)).toThrow(RangeError);
  });
});
