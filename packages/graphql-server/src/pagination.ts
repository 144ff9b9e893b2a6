import { badUserInput } from './errors.ts';

/** Relay connections take 1 to 100 items a page. */
export const MAX_PAGE_SIZE = 100;

/** A connection's `first`, defaulted, or BAD_USER_INPUT outside 1..100. */
export function pageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * Cursors are opaque to clients: the keyset position of an item (its sort values), as
 * base64url JSON with a version tag, so the encoding can change without misreading old ones.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(['v1', ...position])).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} with the given shape, or throws BAD_USER_INPUT. */
export function decodeCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput('The cursor is not valid');
  }
  if (!Array.isArray(parsed) || parsed[0] !== 'v1' || parsed.length !== shape.length + 1) {
    throw badUserInput('The cursor is not valid');
  }
  const values = parsed.slice(1) as unknown[];
  values.forEach((value, i) => {
    if (typeof value !== shape[i]) throw badUserInput('The cursor is not valid');
  });
  return values as { [K in keyof T]: T[K] extends 'number' ? number : string };
}
