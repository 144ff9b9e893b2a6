/**
 * The transactional outbox and the consumer's side of it. A service writes its domain
 * events into its own `outbox` table inside the transaction that changes its state;
 * Debezium's outbox event router publishes each inserted row to the event's topic. A
 * consumer records each event id it applied in `processed_events`, in the transaction of
 * the effect, so a redelivered event changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { context, propagation } from '@opentelemetry/api';
import { EVENT_TOPICS, validatePayload, type EventPayloads, type EventType } from '@emporium/contracts';

/** DDL of the outbox table, for each service's own migration (column names are the event router's defaults). */
export const OUTBOX_TABLE_DDL = `
create table outbox (
  id uuid primary key,
  aggregatetype varchar(64) not null,
  aggregateid varchar(255) not null,
  type varchar(64) not null,
  payload jsonb not null,
  created_at timestamptz not null default now()
);
create index outbox_created_at_idx on outbox (created_at);`;

/**
 * The outbox's `traceparent` column, for a NEW migration of each service with an outbox (the
 * table DDL above stays as older migrations ran it). Each row carries the W3C trace context
 * of the work that wrote it; Debezium's outbox event router places it in the Kafka message's
 * `traceparent` header (`table.fields.additional.placement`), so a consumer continues the
 * trace. Null where nothing was traced.
 */
export const OUTBOX_TRACEPARENT_DDL = 'alter table outbox add column if not exists traceparent varchar(55)';

/**
 * The outbox's `written_lsn` column, for a NEW migration of each service with an outbox: the
 * WAL position at which each row was written (the column's default, so no writer changes).
 * Rows are kept for days after Debezium publishes them, so nothing in a row says whether it
 * was published; its WAL position against the outbox slot's confirmed position does, which
 * is how the oldest unpublished row's age is measured (packages/db/src/metrics.ts). Added
 * without a default first, then given one: existing rows stay null (long published) and the
 * table is not rewritten.
 */
export const OUTBOX_WAL_POSITION_DDL = [
  'alter table outbox add column if not exists written_lsn pg_lsn',
  'alter table outbox alter column written_lsn set default pg_current_wal_insert_lsn()',
  'create index if not exists outbox_written_lsn_idx on outbox (written_lsn)',
] as const;

/** DDL of the table of applied event ids, per consumer, for each consuming service's migration. */
export const PROCESSED_EVENTS_TABLE_DDL = `
create table processed_events (
  consumer varchar(64) not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
create index processed_events_processed_at_idx on processed_events (processed_at);`;

/**
 * An outbox row, for services to list among their entities: tests and tools read what a
 * service published through it; the service itself writes with {@link appendToOutbox}.
 */
export const OutboxEntrySchema = defineEntity({
  name: 'OutboxEntry',
  tableName: 'outbox',
  properties: {
    id: p.uuid().primary(),
    aggregatetype: p.string().length(64),
    aggregateid: p.string(),
    type: p.string().length(64),
    payload: p.json<unknown>(),
    traceparent: p.string().length(55).nullable(),
    createdAt: p.datetime(),
  },
});
export type OutboxEntry = InferEntity<typeof OutboxEntrySchema>;

/** One event to publish; the aggregate id becomes the Kafka key, so one aggregate's events stay in order. */
export interface OutboxEvent<T extends EventType> {
  type: T;
  aggregateId: string;
  payload: EventPayloads[T];
}

/** One outbox row's placeholders, with the casts a VALUES list needs. */
const OUTBOX_ROW = '(?::uuid, ?, ?, ?, ?::jsonb, ?::text)';
const OUTBOX_COLUMNS = 'id, aggregatetype, aggregateid, type, payload, traceparent';

/** Any one event to publish, its payload typed by its own type. */
export type AnyOutboxEvent = { [T in EventType]: OutboxEvent<T> }[EventType];

/** An outbox insert as SQL text and its parameters, for a statement that writes more besides. */
export interface OutboxInsert {
  sql: string;
  params: unknown[];
}

/**
 * The insert of these events into the outbox, to use as a data-modifying CTE of a statement
 * that also changes the state they describe: one round trip instead of a transaction's
 * several. With `onlyIf` (the name of another CTE) the events are written only when that CTE
 * returned a row, e.g. when an `insert ... on conflict do nothing` did insert. Payloads are
 * checked against their JSON Schemas here, as {@link appendToOutbox} does.
 */
export function outboxInsert(events: readonly AnyOutboxEvent[], onlyIf?: string): OutboxInsert {
  if (events.length === 0) throw new Error('an outbox insert needs at least one event');
  if (onlyIf !== undefined && !/^[a-z_][a-z0-9_]*$/.test(onlyIf)) throw new Error(`not a CTE name: ${onlyIf}`);
  const rows = events.map(outboxRow);
  return {
    sql: `insert into outbox (${OUTBOX_COLUMNS})
      select * from (values ${rows.map(() => OUTBOX_ROW).join(', ')}) as event (${OUTBOX_COLUMNS})${
        onlyIf === undefined ? '' : ` where exists (select 1 from ${onlyIf})`
      }`,
    params: rows.flatMap((row) => row.params),
  };
}

/**
 * Appends an event to the outbox in the EntityManager's current transaction. The payload is
 * checked against its JSON Schema first: an invalid event fails the transaction here rather
 * than every consumer later. Returns the event's id.
 */
export async function appendToOutbox<T extends EventType>(em: EntityManager, event: OutboxEvent<T>): Promise<string> {
  const row = outboxRow(event);
  await em.execute(`insert into outbox (${OUTBOX_COLUMNS}) values ${OUTBOX_ROW}`, row.params);
  return row.id;
}

/** A checked event as an outbox row: its new id, and the parameters for {@link OUTBOX_ROW}. */
function outboxRow<T extends EventType>(event: OutboxEvent<T>): { id: string; params: unknown[] } {
  validatePayload(event.type, event.payload);
  const id = randomUUID();
  return {
    id,
    params: [
      id,
      EVENT_TOPICS[event.type].aggregateType,
      event.aggregateId,
      event.type,
      JSON.stringify(event.payload),
      currentTraceparent(),
    ],
  };
}

/**
 * The W3C `traceparent` of the work in hand (the request or the event being handled), or
 * null when it is not traced: with tracing off the API's propagator is a no-op and injects
 * nothing, so this costs nothing then.
 */
function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'] ?? null;
}

/**
 * Records that `consumer` applied `eventId`, in the current transaction. False means it was
 * applied before: the caller must then change nothing.
 */
export async function claimEvent(em: EntityManager, consumer: string, eventId: string): Promise<boolean> {
  const rows = await em.execute<{ event_id: string }[]>(CLAIM, [consumer, eventId]);
  return rows.length > 0;
}

/** The claim itself: a row comes back only for an event not applied before. */
const CLAIM =
  'insert into processed_events (consumer, event_id) values (?, ?) on conflict do nothing returning event_id';

/** The guard of every effect written in the statement of a claim: true only if the claim is new. */
export const IF_CLAIMED = 'exists (select 1 from claimed)';

/** A statement that changes state because of an event, for {@link claimEventAndApply}. */
export interface EventEffect {
  /**
   * One insert, update or delete. It must write nothing unless the claim is new, so its
   * WHERE clause (or its SELECT's, for an insert) includes {@link IF_CLAIMED}.
   */
  sql: string;
  params: readonly unknown[];
}

/**
 * The claim of `eventId` for `consumer` as a CTE named `claimed`, for a statement that also
 * applies the event: it returns a row only if the event was not applied before, so every
 * effect in that statement is guarded by {@link IF_CLAIMED}.
 */
export function claimCte(consumer: string, eventId: string): { sql: string; params: unknown[] } {
  return {
    sql: `claimed as (${CLAIM})`,
    params: [consumer, eventId],
  };
}

/**
 * Claims `eventId` for `consumer` and applies `effect` in one statement: atomic as a
 * transaction is, in one round trip instead of a transaction's four. False means the event
 * was applied before, and `effect` wrote nothing.
 */
export async function claimEventAndApply(
  em: EntityManager,
  consumer: string,
  eventId: string,
  effect: EventEffect,
): Promise<boolean> {
  if (!effect.sql.includes(IF_CLAIMED)) throw new Error(`an event's effect must be guarded by ${IF_CLAIMED}`);
  const claim = claimCte(consumer, eventId);
  // A data-modifying CTE runs to completion whether or not the main query reads it.
  const rows = await em.execute<{ claimed: number }[]>(
    `with ${claim.sql}, effect as (${effect.sql})
     select count(*)::int as claimed from claimed`,
    [...claim.params, ...effect.params],
  );
  return (rows[0]?.claimed ?? 0) > 0;
}

/**
 * How long outbox rows and processed ids are kept. Debezium reads the outbox from the WAL,
 * so published rows serve only as an audit trail; ids must outlive any redelivery (Kafka's
 * retention bounds that).
 */
export const EVENT_RETENTION_DAYS = 7;
/** How often a worker prunes its service's event tables. */
export const EVENT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Deletes outbox rows and processed ids older than the retention. */
export async function pruneEventTables(
  em: EntityManager,
  retentionDays = EVENT_RETENTION_DAYS,
  tables: readonly ('outbox' | 'processed_events')[] = ['outbox', 'processed_events'],
): Promise<void> {
  for (const table of tables) {
    const column = table === 'outbox' ? 'created_at' : 'processed_at';
    await em.execute(`delete from ${table} where ${column} < now() - make_interval(days => ?)`, [retentionDays]);
  }
}
