import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, migrate, type MikroORM } from '@emporium/db';
import { createKafka, deadLetterTopic, ensureTopics, listDeadLetters, type ChangeConsumer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import { entities } from '../src/entities/index.ts';
import { startCatalogueConsumer } from '../src/events/consumers/catalogue.consumer.ts';
import { migrations } from '../src/migrations/index.ts';
import { CatalogueReplicaService } from '../src/services/catalogue-replica.service.ts';

/**
 * The catalogue consumer meets poison on its partition: a message that is not a change event
 * at all, and one that reads fine but that the database refuses (an id that is no UUID), in
 * the middle of good changes that share one upsert with them. Both land in the dead-letter
 * topic; every good change is stored.
 */
const logger = createLogger('test', { level: 'silent' });
const kafka = createKafka({ clientId: 'cart-catalogue-dlq-test', brokers: stackEndpoints().kafka.brokers, logger });
const topic = uniqueName('cart_catalogue_dlq_test');
const groupId = uniqueName('cart_catalogue_dlq_test');
let database: ScratchDatabase;
let orm: MikroORM;
let consumer: ChangeConsumer | undefined;

const change = (id: string, name: string) =>
  JSON.stringify({
    op: 'u',
    before: null,
    after: { id, name, price_minor: 1234, currency_code: 'USD' },
    source: { lsn: 1000 },
  });

beforeAll(async () => {
  database = await createScratchDatabase('cart_catalogue_dlq');
  orm = await createOrm({ ...database, entities, migrations, logger });
  await migrate(orm, database);
  await ensureTopics(kafka, [topic]);
});

afterAll(async () => {
  await consumer?.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
  await admin.disconnect();
  await orm.close();
  await database.drop();
});

describe('the catalogue consumer with poison in a slice', () => {
  it('dead-letters what cannot be read or stored and stores the rest', async () => {
    const before = randomUUID();
    const after = randomUUID();
    const producer = kafka.producer();
    await producer.connect();
    // One key, so one partition: the poison sits between good changes of the same slice.
    await producer.send({
      topic,
      messages: [
        { key: 'k', value: change(before, 'Before the poison') },
        { key: 'k', value: '{oops' },
        { key: 'k', value: change('not-a-uuid', 'Refused by the database') },
        { key: 'k', value: change(after, 'After the poison') },
      ],
    });
    await producer.disconnect();

    consumer = await startCatalogueConsumer({
      kafka,
      orm,
      replica: new CatalogueReplicaService(),
      topic,
      groupId,
      logger,
    });
    const names = await eventually(
      async () => {
        const rows = await orm.em
          .fork()
          .execute<{ name: string }[]>('select name from catalogue_products where product_id in (?, ?) order by name', [
            after,
            before,
          ]);
        return rows.length === 2 ? rows.map((row) => row.name) : undefined;
      },
      { what: 'both good changes in the replica', timeoutMs: 30_000 },
    );
    expect(names).toEqual(['After the poison', 'Before the poison']);

    const letters = await eventually(
      async () => {
        const found = await listDeadLetters(kafka, topic);
        return found.length === 2 ? found : undefined;
      },
      { what: 'two dead letters' },
    );
    const [unreadable, refused] = letters;
    expect(unreadable).toMatchObject({ value: '{oops', group: groupId, originalTopic: topic, attempts: 1 });
    expect(unreadable?.error).toMatch(/InvalidChangeEvent/);
    // The slice was tried as a whole, then the message alone, before it was given up on.
    expect(refused).toMatchObject({ group: groupId, originalTopic: topic });
    expect(refused?.value).toContain('not-a-uuid');
    expect(refused?.attempts).toBeGreaterThan(1);
    expect(refused?.error).toMatch(/uuid/i);
  });
});
