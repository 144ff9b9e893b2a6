/**
 * Reading the services' own databases, as their operators would, to check what a load left
 * behind (orders, reservations, stock) without going through the API being measured.
 */
import { serviceDatabaseUrl } from '@emporium/config';
import pg from 'pg';
import { serviceConnectionUrl, withClient } from '../../infra/src/components/postgres.ts';

export type ServiceDatabase = 'order' | 'cart' | 'payment';

const urlOf = (database: ServiceDatabase): string => serviceDatabaseUrl(serviceConnectionUrl(database), database);

/** One statement on a connection of its own. */
export const query = async <R extends object>(
  database: ServiceDatabase,
  sql: string,
  params: unknown[],
): Promise<R[]> => withClient(urlOf(database), async (client) => (await client.query<R>(sql, params)).rows);

/** A connection kept open, for a scenario that reads often while it runs (a new one per read costs PostgreSQL a backend). */
export async function connect(database: ServiceDatabase): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: urlOf(database), connectionTimeoutMillis: 2000 });
  await client.connect();
  return client;
}
