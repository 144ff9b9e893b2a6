import { badUserInput } from './errors.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a client-given id can be a row id at all; anything else is simply not found, never a SQL error. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** Position in a newest-first listing: (created_at, id), the order of the listing indexes. */
export interface Keyset {
  at: Date;
  id: string;
}

export const encodeKeyset = (item: { createdAt: Date; id: string }): string =>
  encodeCursor([item.createdAt.toISOString(), item.id]);

/** Decodes a cursor and checks its values, so a forged one fails as BAD_USER_INPUT, not in SQL. */
export function decodeKeyset(cursor: string): Keyset {
  const [createdAt, id] = decodeCursor(cursor, ['string', 'string'] as const);
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime()) || !isUuid(id)) throw badUserInput('The cursor is not valid');
  return { at, id: id.toLowerCase() };
}
