import pg from 'pg';
import { databaseName } from '@emporium/config';
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
