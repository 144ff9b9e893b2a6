import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { encodeCursor } from '@emporium/graphql-server';
import { decodeSearchCursor, encodeSearchCursor, INVALID_CURSOR, MAX_CURSOR_LENGTH } from './search-cursor.ts';

const RATING = ['number', 'number', 'string'] as const;
const PRICE = ['number', 'string'] as const;
/** What Elasticsearch's point-in-time ids look like: URL-safe base64, padded. */
const PIT = '_82wBAELcGl0cHJvYmUtdjEWYzdwbjdfLWJSaHFJZ0JBektINm9jUQABFnYwSjdabEhYUmxXZWhzMzZTOXY2VFEAAA==';

const refusal = (run: () => unknown): { code: unknown; message: string } | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return { code: error.extensions['code'], message: error.message };
    throw error;
  }
  return undefined;
};

const raw = (fields: unknown): string => Buffer.from(JSON.stringify(fields)).toString('base64url');

describe('search cursors', () => {
  it('round-trip a position inside a point in time', () => {
    const cursor = encodeSearchCursor({ sort: 'RATING', pit: PIT, values: [4.5, 12, 'p1'] });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSearchCursor(cursor, 'RATING', RATING)).toEqual({ sort: 'RATING', pit: PIT, values: [4.5, 12, 'p1'] });
  });

  it('round-trip a position alone, and read cursors issued before points in time', () => {
    const alone = encodeSearchCursor({ sort: 'PRICE_ASC', pit: null, values: [100, 'a'] });
    expect(decodeSearchCursor(alone, 'PRICE_ASC', PRICE)).toEqual({ sort: 'PRICE_ASC', pit: null, values: [100, 'a'] });
    const before = encodeCursor(['PRICE_ASC', 100, 'a']);
    expect(decodeSearchCursor(before, 'PRICE_ASC', PRICE)).toEqual({
      sort: 'PRICE_ASC',
      pit: null,
      values: [100, 'a'],
    });
  });

  it('start the same way on one page, so the point in time repeated in every edge compresses away', () => {
    const a = encodeSearchCursor({ sort: 'PRICE_ASC', pit: PIT, values: [100, 'a'] });
    const b = encodeSearchCursor({ sort: 'PRICE_ASC', pit: PIT, values: [2000, 'bb'] });
    let common = 0;
    while (a[common] === b[common]) common += 1;
    expect(common).toBeGreaterThan(PIT.length);
  });

  it('refuse another sort order with its own message', () => {
    const cursor = encodeSearchCursor({ sort: 'NEWEST', pit: PIT, values: [1, 'p1'] });
    expect(refusal(() => decodeSearchCursor(cursor, 'PRICE_ASC', PRICE))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The cursor belongs to another sort order',
    });
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['not a list', raw({ pit: PIT })],
    ['an unknown version', raw(['v9', PIT, 'PRICE_ASC', 1, 'a'])],
    ['a point in time that is not base64', raw(['v2', 'pit id; DROP', 'PRICE_ASC', 1, 'a'])],
    ['a point in time that is not a string', raw(['v2', 42, 'PRICE_ASC', 1, 'a'])],
    ['no sort order', raw(['v2', PIT])],
    ['too few sort values', raw(['v2', PIT, 'PRICE_ASC', 1])],
    ['too many sort values', raw(['v2', PIT, 'PRICE_ASC', 1, 'a', 2])],
    ['sort values of the wrong type', raw(['v2', PIT, 'PRICE_ASC', 'a', 1])],
    ['a number JSON reads as infinity', Buffer.from(`["v2","${PIT}","PRICE_ASC",1e400,"a"]`).toString('base64url')],
    ['an id far longer than any', raw(['v2', PIT, 'PRICE_ASC', 1, 'a'.repeat(300)])],
    ['a cursor far longer than any', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('refuse %s as BAD_USER_INPUT with a clear message', (_what, cursor) => {
    expect(refusal(() => decodeSearchCursor(cursor, 'PRICE_ASC', PRICE))).toEqual({
      code: 'BAD_USER_INPUT',
      message: INVALID_CURSOR,
    });
  });

  it('never encode a sort value a cursor could not carry', () => {
    expect(() => encodeSearchCursor({ sort: 'PRICE_ASC', pit: null, values: [Number.NaN, 'a'] })).toThrow();
  });
});
