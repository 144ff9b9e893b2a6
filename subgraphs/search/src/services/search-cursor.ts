/**
 * Search cursors: where a page ended, and in which snapshot of the index. Opaque to clients
 * (base64url JSON with a version tag), validated field by field on the way back in, since a
 * client may send anything as `after`.
 *
 * - v1 `[sort, ...sortValues]`: a position alone. Cursors issued before snapshots existed look
 *   like this and stay valid: paging on from one takes a fresh snapshot at that position.
 * - v2 `[pit, sort, ...sortValues]`: a position inside an Elasticsearch point in time, so the
 *   next page comes from the same index state as the previous ones. The point in time comes
 *   first so that every cursor of a page starts with the same bytes, which compress away.
 */
import { badUserInput } from '@emporium/graphql-server';
import type { ProductSort } from '../generated/resolvers-types.ts';

/** The types of a sort order's sort values, in order. */
export type SortShape = readonly ('string' | 'number')[];

/** A position in a search's results. */
export interface SearchPosition {
  sort: ProductSort;
  /** The point in time (Elasticsearch's id) the position belongs to; null for a position alone. */
  pit: string | null;
  /** The sort values of the last item shown, as `search_after` takes them. */
  values: (string | number)[];
}

/** Longer cursors are refused before decoding; a point in time over a few shards is a few hundred characters. */
export const MAX_CURSOR_LENGTH = 8192;
/** Product ids are UUIDs; anything much longer is not one of our sort values. */
const MAX_STRING_VALUE = 256;
/** Elasticsearch's point-in-time ids are URL-safe base64, padded. */
const PIT_ID = /^[A-Za-z0-9_-]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const INVALID_CURSOR =
  'The cursor is not valid: pass a cursor this search returned as `after`, or leave `after` out for the first page';

export function encodeSearchCursor(position: SearchPosition): string {
  for (const value of position.values) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
      throw new Error(`unexpected sort value ${String(value)}`);
    }
  }
  const fields =
    position.pit === null
      ? ['v1', position.sort, ...position.values]
      : ['v2', position.pit, position.sort, ...position.values];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeSearchCursor} for `sort`, whose sort values have `shape`;
 * BAD_USER_INPUT for anything else, including a cursor of another sort order (paging on with
 * another order would silently skip products).
 */
export function decodeSearchCursor(cursor: string, sort: ProductSort, shape: SortShape): SearchPosition {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw badUserInput(INVALID_CURSOR);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput(INVALID_CURSOR);
  }
  if (!Array.isArray(parsed)) throw badUserInput(INVALID_CURSOR);
  const fields: unknown[] = parsed;
  let pit: string | null;
  let rest: unknown[];
  if (fields[0] === 'v1') {
    pit = null;
    rest = fields.slice(1);
  } else if (fields[0] === 'v2') {
    const id = fields[1];
    if (typeof id !== 'string' || !PIT_ID.test(id)) throw badUserInput(INVALID_CURSOR);
    pit = id;
    rest = fields.slice(2);
  } else {
    throw badUserInput(INVALID_CURSOR);
  }
  const [name, ...values] = rest;
  if (typeof name !== 'string') throw badUserInput(INVALID_CURSOR);
  if (name !== sort) throw badUserInput('The cursor belongs to another sort order');
  if (values.length !== shape.length) throw badUserInput(INVALID_CURSOR);
  const checked = values.map((value, i): string | number => {
    if (shape[i] === 'number' && typeof value === 'number' && Number.isFinite(value)) return value;
    if (shape[i] === 'string' && typeof value === 'string' && value.length <= MAX_STRING_VALUE) return value;
    throw badUserInput(INVALID_CURSOR);
  });
  return { sort, pit, values: checked };
}
