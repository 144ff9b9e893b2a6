import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { SERVICE_DATABASES, databaseName, serviceDatabaseUrl } from '@emporium/config';
import { stackEndpoints } from '@emporium/testing';

describe('PostgreSQL of the stack', () => {
  it('has one database per service, each with logical WAL for change data capture', async () => {
    for (const service of SERVICE_DATABASES) {
      const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, service) });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string; wal: string }>(
          "SELECT current_database() AS db, current_setting('wal_level') AS wal",
        );
        expect(rows[0]).toEqual({ db: databaseName(service), wal: 'logical' });
      } finally {
        await client.end();
      }
    }
  });
});
