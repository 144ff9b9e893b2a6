import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseName } from '@emporium/config';
import { stackEndpoints } from '@emporium/testing';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import {
  deleteConnector,
  readConnectorDefinitions,
  registerConnectors,
  retireConnectors,
  type RetiredConnector,
} from '../src/connectors.ts';

/**
 * A connector replaced by a later release (the cart database's `stock` and `inventory-outbox`
 * became `cart`) must not leave its replication slot behind: a slot nobody reads holds WAL
 * until the disk fills. Here a connector of this test's own is registered as `npm start`
 * does, then retired.
 */
const endpoints = stackEndpoints();
let database: ScratchDatabase;
let directory: string;
let retired: RetiredConnector;

const query = async <T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
};

const databaseUrl = (): string => {
  const url = new URL(database.serverUrl);
  url.pathname = `/${databaseName(database.service)}`;
  return url.toString();
};

const slotState = async (): Promise<{ active: boolean } | undefined> =>
  (
    await query<{ active: boolean }>(
      database.serverUrl,
      'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
      [retired.slot],
    )
  )[0];

beforeAll(async () => {
  database = await createScratchDatabase('retire');
  await query(databaseUrl(), 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
  const name = database.service.replace(/_/g, '-');
  retired = {
    name,
    database: databaseName(database.service),
    slot: database.service,
    publication: `${database.service}_pub`,
  };
  const [catalogue] = readConnectorDefinitions().filter((definition) => definition.name === 'catalogue');
  if (!catalogue) throw new Error('cdc-connectors/catalogue.json is missing');
  directory = mkdtempSync(join(tmpdir(), 'retire-'));
  const config = {
    ...catalogue.config,
    'database.dbname': retired.database,
    'topic.prefix': database.service,
    'slot.name': retired.slot,
    'publication.name': retired.publication,
    'table.include.list': 'public.items',
    'snapshot.mode': 'no_data',
  };
  writeFileSync(join(directory, 'old.json'), JSON.stringify({ name, config }));
  await registerConnectors({ directory, databaseUrl: database.serverUrl, retired: [] });
});

afterAll(async () => {
  await deleteConnector(endpoints.connect.url, retired.name);
  if (directory) rmSync(directory, { recursive: true, force: true });
  await query(
    database.serverUrl,
    'SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
    [retired.slot],
  ).catch(() => undefined);
  await database.drop();
});

describe('retiring a connector', () => {
  it('removes the connector, then its slot and its publication, and is a no-op the second time', async () => {
    expect(await slotState()).toEqual({ active: true });

    const reported: string[] = [];
    await retireConnectors(endpoints.connect.url, database.serverUrl, [retired], {
      report: (line) => reported.push(line),
    });

    expect((await fetch(`${endpoints.connect.url}/connectors/${retired.name}`)).status).toBe(404);
    expect(await slotState()).toBeUndefined();
    expect(
      await query(databaseUrl(), 'SELECT 1 FROM pg_publication WHERE pubname = $1', [retired.publication]),
    ).toEqual([]);
    expect(reported).toEqual([`connector ${retired.name}: retired, slot ${retired.slot} dropped`]);

    await retireConnectors(endpoints.connect.url, database.serverUrl, [retired], {
      report: (line) => reported.push(line),
    });
    expect(reported).toHaveLength(1);
  });
});
