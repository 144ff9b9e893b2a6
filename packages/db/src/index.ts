/**
 * Each service's PostgreSQL access through MikroORM: one ORM per process, one forked
 * EntityManager per request or consumed message, migrations listed in code.
 */
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Migration } from '@mikro-orm/migrations';
import type { Constructor } from '@mikro-orm/core';
import pg from 'pg';
import { serviceDatabaseUrl } from '@emporium/config';
import type { Logger } from '@emporium/logging';

export { MikroORM };
export type { EntityManager } from '@mikro-orm/postgresql';
export { Migration } from '@mikro-orm/migrations';
export { NotificationWatch, notifyOnChange } from './notifications.ts';
export {
  ACQUIRE_BUCKETS,
  OUTBOX_BACKLOG_SQL,
  SLOT_LAG_SQL,
  measureDatabase,
  sharedWhileInFlight,
  slotFigures,
  timeAcquisitions,
} from './metrics.ts';
export type { DatabaseMetricsOptions, OutboxBacklog, SlotFigure, SlotRow } from './metrics.ts';
/** The driver's constraint errors, for services that let a constraint decide a race. */
export { CheckConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';

export interface OrmOptions {
  /** Service name; its database is `emporium_<service>` on the configured server. */
  service: string;
  serverUrl: string;
  entities: NonNullable<Options['entities']>;
  /** Migrations in the order they apply; names are the class names. */
  migrations: readonly Constructor<Migration>[];
  logger: Logger;
  poolMax?: number;
  /** Bounds on every statement and connection; the defaults suit request handling. */
  timeouts?: DatabaseTimeouts;
  /** Called with every SQL statement the ORM sends, e.g. to count them in a test. */
  onQuery?: (sql: string) => void;
}

/**
 * How long the database may take. A dependency that is slow must fail a request with
 * SERVICE_UNAVAILABLE well within the router's own timeout, never hold it (or a pooled
 * connection) indefinitely.
 */
export interface DatabaseTimeouts {
  /** PostgreSQL cancels a statement running longer than this (`statement_timeout`). */
  statementMs?: number;
  /**
   * PostgreSQL ends a session that sits idle inside a transaction longer than this
   * (`idle_in_transaction_session_timeout`), so a stuck caller cannot hold row locks.
   */
  idleInTransactionMs?: number;
  /** A caller waits at most this for a pooled connection (or a new one to open). */
  acquireMs?: number;
}

/**
 * Request-side defaults: a statement of an API call takes milliseconds; five seconds means
 * trouble. A burst queues for a pooled connection (a flash sale's 200 checkouts on one
 * process of 10 connections waited 2.6 s in CI): that wait is bounded too, below the router's
 * 8 s subgraph timeout, so a client gets a clear error rather than a hang, yet a burst the
 * pool can work through is served rather than shed.
 */
export const DEFAULT_DATABASE_TIMEOUTS: Required<DatabaseTimeouts> = {
  statementMs: 5000,
  idleInTransactionMs: 10_000,
  acquireMs: 5000,
};

/**
 * Workers' bounds: batch upserts and the pruning of event tables touch many rows, and no
 * client waits on them; still bounded, so a stuck statement ends and its event is retried.
 */
export const WORKER_DATABASE_TIMEOUTS: Required<DatabaseTimeouts> = {
  statementMs: 60_000,
  idleInTransactionMs: 60_000,
  acquireMs: 10_000,
};

/** The process's one ORM, connected to the service's own database; fork its EntityManager per unit of work. */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const log = options.logger.child({ component: 'db' });
  const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts };
  return MikroORM.init({
    clientUrl: serviceDatabaseUrl(options.serverUrl, options.service),
    entities: options.entities,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10 },
    // pg's pool options: the first two are sent to the server as session settings at
    // connect; `connectionTimeoutMillis` bounds both opening a connection and waiting for
    // a free one when the pool is exhausted.
    driverOptions: {
      statement_timeout: timeouts.statementMs,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
      connectionTimeoutMillis: timeouts.acquireMs,
    },
    // Requests and consumers must fork; touching the global EntityManager is a bug.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ensureDatabase: false,
    migrations: {
      migrationsList: [...options.migrations],
      transactional: true,
      allOrNothing: true,
      disableForeignKeys: false,
      // Migrations are written by hand; the generator's schema snapshot file is not wanted.
      snapshot: false,
    },
    onQuery: (sql) => {
      options.onQuery?.(sql);
      return sql;
    },
    logger: (message) => {
      log.debug(message);
    },
  });
}

/**
 * Applies pending migrations. Replicas that start together take turns on a PostgreSQL
 * advisory lock (held by a session of its own), so each migration runs exactly once.
 * They run in one transaction without the statement timeout: building an index on a big
 * table may take minutes, and that is expected.
 */
export async function migrate(orm: MikroORM, options: Pick<OrmOptions, 'service' | 'serverUrl'>): Promise<string[]> {
  const lock = new pg.Client({ connectionString: serviceDatabaseUrl(options.serverUrl, options.service) });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('emporium:migrations'))");
    const connection = orm.em.getConnection();
    const applied = await connection.transactional(async (transaction) => {
      await connection.execute('SET LOCAL statement_timeout = 0', [], 'run', transaction);
      return orm.migrator.up({ transaction });
    });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.end();
  }
}

/** Readiness: resolves when the database answers a trivial query (within the pool's acquire timeout). */
export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('select 1');
}

export {
  EVENT_PRUNE_INTERVAL_MS,
  EVENT_RETENTION_DAYS,
  IF_CLAIMED,
  OUTBOX_TABLE_DDL,
  OUTBOX_TRACEPARENT_DDL,
  OUTBOX_WAL_POSITION_DDL,
  OutboxEntrySchema,
  PROCESSED_EVENTS_TABLE_DDL,
  appendToOutbox,
  claimCte,
  claimEvent,
  claimEventAndApply,
  outboxInsert,
  pruneEventTables,
} from './outbox.ts';
export type { AnyOutboxEvent, EventEffect, OutboxEntry, OutboxEvent, OutboxInsert } from './outbox.ts';
