import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createKafka } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';

/** A Debezium change event as the JSON converter writes it with schemas disabled. */
interface ChangeEvent {
  op: 'r' | 'c' | 'u' | 'd';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: { lsn: number; table: string };
}

const endpoints = stackEndpoints();
const name = uniqueName('smoke');
const serverUrl = new URL(endpoints.postgres.url);
const databaseUrl = new URL(endpoints.postgres.url);
databaseUrl.pathname = `/${name}`;
const topic = `${name}.public.widgets`;
const kafka = createKafka({
  clientId: 'cdc-smoke',
  brokers: endpoints.kafka.brokers,
  logger: createLogger('test', { level: 'error' }),
});

async function sql(url: URL, statement: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement, values);
  } finally {
    await client.end();
  }
}

async function connectRequest(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${endpoints.connect.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  await sql(serverUrl, `CREATE DATABASE "${name}"`);
  await sql(databaseUrl, 'CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL)');
  await sql(databaseUrl, 'INSERT INTO widgets VALUES (1, $1)', ['before the connector']);
});

afterAll(async () => {
  await connectRequest('DELETE', `/connectors/${name}`);
  // slot.drop.on.stop drops the slot when the task stops; wait for that before dropping the database.
  await eventually(
    async () => {
      try {
        await sql(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        return true;
      } catch {
        await sql(
          serverUrl,
          'SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [name],
        );
        return undefined;
      }
    },
    { what: 'the smoke database to be dropped' },
  );
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('Debezium PostgreSQL connector on Kafka Connect', () => {
  it('is registered over the REST API and captures a snapshot row and a newly inserted row into Kafka', async () => {
    const response = await connectRequest('PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'plugin.name': 'pgoutput',
      'database.hostname': serverUrl.hostname,
      'database.port': serverUrl.port || '5432',
      'database.user': decodeURIComponent(serverUrl.username),
      'database.password': decodeURIComponent(serverUrl.password),
      'database.dbname': name,
      'topic.prefix': name,
      'slot.name': name,
      'slot.drop.on.stop': 'true',
      'publication.name': `${name}_pub`,
      'publication.autocreate.mode': 'filtered',
      'table.include.list': 'public.widgets',
    });
    expect(response.status).toBe(201);

    await eventually(
      async () => {
        const status = (await (await connectRequest('GET', `/connectors/${name}/status`)).json()) as {
          tasks: { state: string }[];
        };
        return status.tasks[0]?.state === 'RUNNING' ? true : undefined;
      },
      { what: 'the connector task to run' },
    );
    await sql(databaseUrl, 'INSERT INTO widgets VALUES (2, $1)', ['after the connector']);

    const events: ChangeEvent[] = [];
    const consumer = kafka.consumer({ groupId: name });
    await consumer.connect();
    await eventually(
      async () => {
        await consumer.subscribe({ topic, fromBeginning: true });
        return true;
      },
      { what: `topic ${topic}` },
    );
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) events.push(JSON.parse(message.value.toString()) as ChangeEvent);
      },
    });
    try {
      await eventually(async () => (events.length >= 2 ? true : undefined), {
        timeoutMs: 30_000,
        what: 'two change events',
      });
    } finally {
      await consumer.disconnect();
    }

    // Events are ordered per key (row), not across rows: the topic has several partitions.
    const byRow = [...events].sort((a, b) => Number(a.after?.['id']) - Number(b.after?.['id']));
    expect(byRow.map((event) => [event.op, event.after])).toEqual([
      ['r', { id: 1, name: 'before the connector' }],
      ['c', { id: 2, name: 'after the connector' }],
    ]);
    expect(byRow[1]?.source.table).toBe('widgets');
  });
});
