import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import pg from 'pg';
import { databaseName } from '@emporium/config';
import {
  OUTBOX_TABLE_DDL,
  OUTBOX_TRACEPARENT_DDL,
  OutboxEntrySchema,
  appendToOutbox,
  createOrm,
  type MikroORM,
} from '@emporium/db';
import type { DomainEvent, OrderStatusChanged } from '@emporium/contracts';
import { createKafka, startEventConsumer, type EventConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { carryTraceContext } from '@emporium/telemetry';
import { eventually, stackEndpoints } from '@emporium/testing';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import {
  deleteConnector,
  fillPlaceholders,
  databasePlaceholders,
  prepareCapture,
  putConnector,
  readConnectorDefinitions,
  waitUntilRunning,
} from '../src/connectors.ts';
import { cdcConnectionUrl } from '../src/components/postgres.ts';

/**
 * The outbox path as the services use it: a row appended in a transaction, published by
 * Debezium's outbox event router with the connector config the platform registers, read
 * back by the shared event consumer. Only names are changed, so the test has its own
 * database, slot and topic.
 */
const endpoints = stackEndpoints();
const logger = createLogger('test', { level: 'silent' });
const kafka = createKafka({ clientId: 'outbox-test', brokers: endpoints.kafka.brokers, logger });
let database: ScratchDatabase;
let orm: MikroORM;
let connector: string;
let topicSuffix: string;

beforeAll(async () => {
  database = await createScratchDatabase('outbox');
  orm = await createOrm({ ...database, entities: [OutboxEntrySchema], migrations: [], logger });
  await orm.em.fork().execute(OUTBOX_TABLE_DDL);
  await orm.em.fork().execute(OUTBOX_TRACEPARENT_DDL);
  connector = database.service.replace(/_/g, '-');
  topicSuffix = database.service;
  const definition = readConnectorDefinitions().find((d) => d.name === 'order-outbox');
  if (!definition) throw new Error('cdc-connectors/order-outbox.json is missing');
  const definitionConfig = {
    ...definition.config,
    'database.dbname': databaseName(database.service),
    'topic.prefix': database.service,
    'slot.name': database.service,
    'slot.drop.on.stop': 'true',
    'publication.name': database.service,
    'transforms.outbox.route.topic.replacement': `\${routedByValue}.events.${topicSuffix}`,
  };
  // As registration does: the publication and the CDC role's reads first, then the connector as that role.
  await prepareCapture(endpoints.postgres.url, definitionConfig);
  const config = fillPlaceholders(definitionConfig, databasePlaceholders(cdcConnectionUrl(endpoints.postgres.url)));
  await putConnector(endpoints.connect.url, connector, config);
  await waitUntilRunning(endpoints.connect.url, connector);
});

afterAll(async () => {
  await deleteConnector(endpoints.connect.url, connector);
  await orm.close();
  // slot.drop.on.stop drops the slot once the task stopped; the database goes after it.
  await eventually(
    async () => {
      const client = new pg.Client({ connectionString: endpoints.postgres.url });
      await client.connect();
      try {
        await client.query(
          'SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [database.service],
        );
      } finally {
        await client.end();
      }
      await database.drop();
      return true;
    },
    { what: 'the scratch database to be dropped' },
  );
});

describe('transactional outbox through Debezium', () => {
  it('publishes committed events keyed by aggregate with id and type headers, and never a rolled-back one', async () => {
    const orderId = randomUUID();
    const userId = randomUUID();
    const at = new Date().toISOString();
    // Null fields must survive the trip: the router would drop them if it expanded the payload.
    const payload = (sequence: number): OrderStatusChanged => ({
      orderId,
      userId,
      sequence,
      status: sequence === 1 ? 'PENDING' : 'AWAITING_PAYMENT',
      previousStatus: sequence === 1 ? null : 'PENDING',
      reason: null,
      at,
    });
    const em = orm.em.fork();
    const ids = [
      await em.transactional((tx) =>
        appendToOutbox(tx, { type: 'OrderStatusChanged', aggregateId: orderId, payload: payload(1) }),
      ),
    ];
    await expect(
      em.transactional(async (tx) => {
        await appendToOutbox(tx, { type: 'OrderStatusChanged', aggregateId: orderId, payload: payload(99) });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    ids.push(
      await em.transactional((tx) =>
        appendToOutbox(tx, { type: 'OrderStatusChanged', aggregateId: orderId, payload: payload(2) }),
      ),
    );

    const received: DomainEvent[] = [];
    let consumer: EventConsumer | undefined;
    try {
      consumer = await startEventConsumer({
        kafka,
        groupId: `outbox-test-${topicSuffix}`,
        topics: [`order.events.${topicSuffix}`],
        logger,
        handle: async (event) => {
          received.push(event);
        },
      });
      await eventually(async () => (received.length >= 2 ? true : undefined), {
        timeoutMs: 30_000,
        what: 'two events',
      });
    } finally {
      await consumer?.stop();
    }
    expect(received.map((event) => [event.id, event.type, event.aggregateId])).toEqual([
      [ids[0], 'OrderStatusChanged', orderId],
      [ids[1], 'OrderStatusChanged', orderId],
    ]);
    expect(received.map((event) => event.payload)).toEqual([payload(1), payload(2)]);
  });

  it('refuses to write an event its JSON Schema rejects, so it never reaches a consumer', async () => {
    const em = orm.em.fork();
    await expect(
      em.transactional((tx) =>
        appendToOutbox(tx, {
          type: 'OrderStatusChanged',
          aggregateId: 'x',
          payload: { orderId: 'not-a-uuid' } as unknown as OrderStatusChanged,
        }),
      ),
    ).rejects.toThrow(/invalid event: OrderStatusChanged/);
    const rows = await em.execute<{ count: string }[]>('select count(*) from outbox where aggregateid = ?', ['x']);
    expect(rows[0]?.count).toBe('0');
  });

  it('carries the trace of the work that wrote an event to the handler of its consumer', async () => {
    await carryTraceContext();
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const writer = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const orderId = randomUUID();
    const em = orm.em.fork();
    const id = await context.with(writer, () =>
      em.transactional((tx) =>
        appendToOutbox(tx, {
          type: 'OrderStatusChanged',
          aggregateId: orderId,
          payload: {
            orderId,
            userId: randomUUID(),
            sequence: 1,
            status: 'PENDING',
            previousStatus: null,
            reason: null,
            at: new Date().toISOString(),
          },
        }),
      ),
    );
    const rows = await em.execute<{ traceparent: string | null }[]>('select traceparent from outbox where id = ?', [
      id,
    ]);
    expect(rows[0]?.traceparent).toBe(`00-${traceId}-${spanId}-01`);

    // The handler runs in a span under the writer's: its trace id is the writer's.
    const seen = new Map<string, string | undefined>();
    let consumer: EventConsumer | undefined;
    try {
      consumer = await startEventConsumer({
        kafka,
        groupId: `outbox-trace-test-${topicSuffix}`,
        topics: [`order.events.${topicSuffix}`],
        logger,
        handle: async (event) => {
          seen.set(event.id, trace.getActiveSpan()?.spanContext().traceId);
        },
      });
      await eventually(async () => (seen.has(id) ? true : undefined), { timeoutMs: 30_000, what: 'the traced event' });
    } finally {
      await consumer?.stop();
    }
    expect(seen.get(id)).toBe(traceId);
  });
});
