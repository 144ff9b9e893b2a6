import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, migrate, type MikroORM } from '@emporium/db';
import { createKafka, ensureTopics, type ChangeConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import { entities } from '../src/entities/index.ts';
import { startCatalogueConsumer } from '../src/events/consumers/catalogue.consumer.ts';
import { migrations } from '../src/migrations/index.ts';
import { CatalogueReplicaService } from '../src/services/catalogue-replica.service.ts';

/**
 * The catalogue replica fed through real Kafka: a topic of its own shaped like the product
 * table's change stream (a 10,000-product snapshot, then later changes and a late replay),
 * consumed by a fresh group from the beginning, as the worker does on first start.
 */
const PRODUCTS = 10_000;
const logger = createLogger('test', { level: 'silent' });
const kafka = createKafka({ clientId: 'cart-catalogue-test', brokers: stackEndpoints().kafka.brokers, logger });
const topic = uniqueName('cart_catalogue_test');
const groupId = uniqueName('cart_catalogue_test');
let database: ScratchDatabase;
let orm: MikroORM;
let consumer: ChangeConsumer | undefined;

const envelope = (op: 'r' | 'u' | 'd', lsn: number, row: Record<string, unknown>) => ({
  key: JSON.stringify({ id: row['id'] }),
  value: JSON.stringify({ op, before: op === 'd' ? row : null, after: op === 'd' ? null : row, source: { lsn } }),
});

const ids = Array.from({ length: PRODUCTS }, () => randomUUID());

beforeAll(async () => {
  database = await createScratchDatabase('cart_catalogue');
  orm = await createOrm({ ...database, entities, migrations, logger });
  await migrate(orm, database);
  await ensureTopics(kafka, [topic]);
  const producer = kafka.producer();
  await producer.connect();
  const snapshot = ids.map((id, i) =>
    envelope('r', 1000, { id, name: `Product ${i}`, price_minor: 100 + i, currency_code: 'USD' }),
  );
  for (let start = 0; start < snapshot.length; start += 2000) {
    await producer.send({ topic, messages: snapshot.slice(start, start + 2000) });
  }
  const [first, second] = ids as [string, string];
  await producer.send({
    topic,
    messages: [
      envelope('u', 2000, { id: first, name: 'Renamed', price_minor: 5, currency_code: 'USD' }),
      envelope('d', 2100, { id: second }),
      // A replay of an older change, after the newer ones: it must not win.
      envelope('u', 1500, { id: first, name: 'Stale', price_minor: 1, currency_code: 'USD' }),
    ],
  });
  await producer.disconnect();
});

afterAll(async () => {
  await consumer?.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await orm.close();
  await database.drop();
});

describe('the catalogue consumer', () => {
  it('loads a 10,000-product snapshot in seconds and keeps each product at its newest change', async () => {
    const started = Date.now();
    consumer = await startCatalogueConsumer({
      kafka,
      orm,
      replica: new CatalogueReplicaService(),
      topic,
      groupId,
      logger,
    });
    await eventually(
      async () => {
        const rows = await orm.em
          .fork()
          .execute<{ count: number }[]>('select count(*)::int as count from catalogue_products');
        return rows[0]?.count === PRODUCTS ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the snapshot in the replica' },
    );
    const [first, second] = ids as [string, string];
    const read = async (id: string) =>
      (
        await orm.em
          .fork()
          .execute<{ name: string; price_minor: string; deleted: boolean }[]>(
            'select name, price_minor, deleted from catalogue_products where product_id = ?',
            [id],
          )
      )[0];
    // Wait until the group has committed every message, the stale replay included.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const end = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const done = end.every(
            (partition) =>
              committed?.partitions.find((p) => p.partition === partition.partition)?.offset === partition.high,
          );
          return done ? true : undefined;
        },
        { what: 'every message committed' },
      );
    } finally {
      await admin.disconnect();
    }
    expect(await read(first)).toEqual({ name: 'Renamed', price_minor: '5', deleted: false });
    expect(await read(second)).toMatchObject({ deleted: true });
    expect(await read(ids[9999] as string)).toEqual({ name: 'Product 9999', price_minor: '10099', deleted: false });
    // Includes the group's join and first fetch; the upserts themselves take well under a second.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
