/**
 * Debezium change events (CDC of a table, not domain events), as the JSON converter writes
 * them with schemas disabled: `{ before, after, source: { lsn, ... }, op }`. Any service
 * that keeps a read model of another's table reads them through here.
 */

/** Thrown for a message that is not a change event of the expected shape. */
export class InvalidChangeEvent extends Error {
  constructor(reason: string) {
    super(`invalid change event: ${reason}`);
    this.name = 'InvalidChangeEvent';
  }
}

export type RawRow = Record<string, unknown>;

/** One row's change as Debezium reports it, before any table-specific reading. */
export interface ChangeEnvelope {
  /** c(reate), u(pdate), d(elete) or r(ead, from the snapshot). */
  op: 'c' | 'u' | 'd' | 'r';
  /** The row after the change (complete, large unchanged values filled in); null for a delete. */
  after: RawRow | null;
  /** The row before it: for a delete at least its key; for others only with REPLICA IDENTITY FULL. */
  before: RawRow | null;
  /**
   * The change's position in PostgreSQL's WAL. Changes of one row only move forward, so it
   * orders them: a read model keeps, per row, the change with the highest position.
   */
  lsn: number;
  /**
   * When the source transaction committed (Debezium's `source.ts_ms`), in ms since the epoch,
   * to measure how fresh a read model is. Absent for a snapshot read, whose timestamp is when
   * the snapshot ran, not a commit.
   */
  committedAtMs?: number;
}

export const isRecord = (value: unknown): value is RawRow =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Debezium's stand-in for a large (TOASTed) column an update left unchanged. */
export const UNAVAILABLE_VALUE = '__debezium_unavailable_value';

/**
 * An update that leaves a long value alone carries the placeholder instead of the value;
 * the row before the change (complete when the table's REPLICA IDENTITY is FULL) holds it.
 */
function withUnchangedLargeValues(after: RawRow, before: unknown): RawRow {
  if (!Object.values(after).includes(UNAVAILABLE_VALUE)) return after;
  if (!isRecord(before))
    throw new InvalidChangeEvent('an unchanged large value without the full row before the change');
  return Object.fromEntries(
    Object.entries(after).map(([key, value]) => [key, value === UNAVAILABLE_VALUE ? before[key] : value]),
  );
}

/**
 * Reads a message value. Returns null for a tombstone (null value), which only tells log
 * compaction to forget the key: the delete event before it already did the work.
 */
export function readChangeEnvelope(value: Buffer | string | null): ChangeEnvelope | null {
  if (value === null || value.length === 0) return null;
  let envelope: unknown;
  try {
    envelope = JSON.parse(value.toString());
  } catch {
    throw new InvalidChangeEvent('not JSON');
  }
  if (!isRecord(envelope) || !isRecord(envelope['source'])) throw new InvalidChangeEvent('no source block');
  const op = envelope['op'];
  const lsn = envelope['source']['lsn'];
  if (typeof lsn !== 'number' || !Number.isSafeInteger(lsn) || lsn < 0) {
    throw new InvalidChangeEvent('source.lsn should be a non-negative integer');
  }
  const before = isRecord(envelope['before']) ? envelope['before'] : null;
  const committedAtMs = envelope['source']['ts_ms'];
  // Only a commit's time counts; a malformed one is no reason to refuse the change itself.
  const committed =
    op !== 'r' && typeof committedAtMs === 'number' && Number.isFinite(committedAtMs) ? { committedAtMs } : {};
  if (op === 'd') {
    if (!before) throw new InvalidChangeEvent('a delete without its key in before');
    return { op, after: null, before, lsn, ...committed };
  }
  if (op !== 'c' && op !== 'u' && op !== 'r') throw new InvalidChangeEvent(`unknown op ${JSON.stringify(op)}`);
  const after = envelope['after'];
  if (!isRecord(after)) throw new InvalidChangeEvent(`op ${op} without after`);
  return { op, after: withUnchangedLargeValues(after, before), before, lsn, ...committed };
}

/** Reads a required column of a changed row, failing with the column's name. */
export function column<K extends 'string' | 'number'>(
  row: RawRow,
  name: string,
  kind: K,
): K extends 'string' ? string : number {
  const value = row[name];
  if (typeof value !== kind) throw new InvalidChangeEvent(`${name} should be a ${kind}, got ${JSON.stringify(value)}`);
  return value as K extends 'string' ? string : number;
}

/** Reads a nullable string column of a changed row. */
export function nullableColumn(row: RawRow, name: string): string | null {
  const value = row[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new InvalidChangeEvent(`${name} should be a string or null`);
  return value;
}
