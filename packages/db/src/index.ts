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

export interface OrmOptions {
  /** Service name; its database is `emporium_<service>` on the configured server. */
  service: string;
  serverUrl: string;
  entities: NonNullable<Options['entities']>;
  /** Migrations in the order they apply; names are the class names. */
  migrations: readonly Constructor<Migration>[];
  logger: Logger;
  poolMax?: number;
  /** Called with every SQL statement the ORM sends, e.g. to count them in a test. */
  onQuery?: (sql: string) => void;
}

/** The process's one ORM, connected to the service's own database; fork its EntityManager per unit of work. */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const log = options.logger.child({ component: 'db' });
  return MikroORM.init({
    clientUrl: serviceDatabaseUrl(options.serverUrl, options.service),
    entities: options.entities,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10 },
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
 */
export async function migrate(orm: MikroORM, options: Pick<OrmOptions, 'service' | 'serverUrl'>): Promise<string[]> {
  const lock = new pg.Client({ connectionString: serviceDatabaseUrl(options.serverUrl, options.service) });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('emporium:migrations'))");
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await lock.end();
  }
}

export {
  EVENT_PRUNE_INTERVAL_MS,
  EVENT_RETENTION_DAYS,
  IF_CLAIMED,
  OUTBOX_TABLE_DDL,
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
