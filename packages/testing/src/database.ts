import pg from 'pg';
import { databaseName } from '@emporium/config';
import { createOrm, migrate, type MikroORM, type OrmOptions } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { stackEndpoints, uniqueName } from './index.ts';

/** A throwaway database on the stack's server, for tests that need tables of their own. */
export interface ScratchDatabase {
  /** Pass as the ORM's `service`: the database is `emporium_<service>`. */
  service: string;
  serverUrl: string;
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const serverUrl = stackEndpoints().postgres.url;
  const service = uniqueName(`${prefix}_test`).toLowerCase();
  // Names come from uniqueName (letters, digits, underscores), so quoting them is enough.
  await onServer(serverUrl, `CREATE DATABASE "${databaseName(service)}"`);
  return {
    service,
    serverUrl,
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${databaseName(service)}" WITH (FORCE)`),
  };
}

/** A scratch database with a service's migrations applied, and its ORM. */
export interface ScratchOrm {
  orm: MikroORM;
  database: ScratchDatabase;
  /** Closes the ORM, then drops the database. */
  close(): Promise<void>;
}

/** Creates a scratch database, opens an ORM on it and migrates it, for a service's integration tests. */
export async function createScratchOrm(
  prefix: string,
  options: Pick<OrmOptions, 'entities' | 'migrations' | 'onQuery'>,
): Promise<ScratchOrm> {
  const database = await createScratchDatabase(prefix);
  const orm = await createOrm({ ...database, ...options, logger: createLogger('test', { level: 'silent' }) });
  await migrate(orm, database);
  return {
    orm,
    database,
    async close() {
      await orm.close();
      await database.drop();
    },
  };
}
