import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, pageSize } from './pagination.ts';

describe('cursors', () => {
  it('round-trip a keyset position', () => {
    const cursor = encodeCursor(['2026-11-25T10:00:00.000Z', 'a1b2']);
    expect(decodeCursor(cursor, ['string', 'string'] as const)).toEqual(['2026-11-25T10:00:00.000Z', 'a1b2']);
  });

  it.each([
    '',
    'not-base64!',
    Buffer.from('{"a":1}').toString('base64url'),
    encodeCursor([1, 'x']),
    encodeCursor(['x']),
  ])('reject %j as BAD_USER_INPUT', (cursor) => {
    try {
      decodeCursor(cursor, ['string', 'string'] as const);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    }
  });
});

describe('pageSize', () => {
  it('accepts 1..100 and defaults when absent', () => {
    expect(pageSize(undefined, 20)).toBe(20);
    expect(pageSize(100, 20)).toBe(100);
  });
  it.each([0, -1, 101, 1.5])('rejects %d', (first) => {
    expect(() => pageSize(first, 20)).toThrow(/between 1 and 100/);
  });
});
