import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@emporium/contracts';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import {
  DEAD_LETTER_HEADERS,
  createKafka,
  deadLetterTopic,
  ensureTopics,
  listDeadLetters,
  replayDeadLetters,
  startEventConsumer,
  summariseDeadLetters,
  type EventConsumer,
  type Producer,
} from '../src/index.ts';
import { paymentSucceededMessage } from './events.ts';
import type { IHeaders } from 'kafkajs';
import { Registry } from 'prom-client';

/**
 * The event consumer against a real broker, on a topic of its own: a poison message (not an
 * event), an event whose handler always fails, and an event whose database is briefly down,
 * all on one partition (one key) ahead of a good event. The poison ones land in the
 * dead-letter topic with their story, the outage is waited out, the good event is applied,
 * and a replay sends the dead letters back.
 */
const logger = createLogger('test', { level: 'silent' });
const kafka = createKafka({ clientId: 'dead-letters-test', brokers: stackEndpoints().kafka.brokers, logger });
const topic = uniqueName('dlq_test');
const groupId = uniqueName('dlq_test');
const orderId = randomUUID();
let producer: Producer;
let consumer: EventConsumer | undefined;

const paid = (id: string) => paymentSucceededMessage(id, orderId);

/** Handler state: what was applied, how often each event was tried, which events fail how. */
const applied: string[] = [];
const tries = new Map<string, number>();
const poisoned = new Set<string>();
const briefOutage = new Map<string, number>();

async function handle(event: DomainEvent): Promise<void> {
  tries.set(event.id, (tries.get(event.id) ?? 0) + 1);
  if (poisoned.has(event.id)) throw new Error(`cannot apply ${event.id}`);
  const outage = briefOutage.get(event.id) ?? 0;
  if (outage > 0) {
    briefOutage.set(event.id, outage - 1);
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
  applied.push(event.id);
}

const header = (headers: IHeaders | undefined, name: string): string => headers?.[name]?.toString() ?? '';

beforeAll(async () => {
  await ensureTopics(kafka, [topic]);
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await consumer?.stop();
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
  await admin.disconnect();
});

describe('an event consumer with dead letters', () => {
  it('dead-letters poison events, waits out a dependency outage, and applies the next good event', async () => {
    const failing = randomUUID();
    const flaky = randomUUID();
    const good = randomUUID();
    poisoned.add(failing);
    briefOutage.set(flaky, 3);
    await producer.send({
      topic,
      messages: [
        { key: orderId, value: 'not json at all', headers: { id: randomUUID(), eventType: 'PaymentSucceeded' } },
        paid(failing),
        paid(flaky),
        paid(good),
      ],
    });
    const started = Date.now();
    const metrics = new Registry();
    consumer = await startEventConsumer({ kafka, groupId, topics: [topic], logger, handle, metrics });
    await eventually(async () => (applied.includes(good) ? true : undefined), {
      what: 'the good event after the poison ones',
      timeoutMs: 30_000,
    });
    // In order: the outage was waited out (retried, not dead-lettered) before the good event.
    expect(applied).toEqual([flaky, good]);
    expect(tries.get(flaky)).toBe(4);
    // The failing handler had its bounded tries, with backoff, and no more.
    expect(tries.get(failing)).toBe(4);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Each outcome is counted by event type: what a dashboard shows as the consumer's errors.
    const outcomes = (await metrics.getSingleMetric('kafka_consumer_events_total')?.get())?.values ?? [];
    const counted = (outcome: string, type: string): number =>
      outcomes.find((sample) => sample.labels['outcome'] === outcome && sample.labels['type'] === type)?.value ?? 0;
    expect([counted('ok', 'PaymentSucceeded'), counted('dead_lettered', 'PaymentSucceeded')]).toEqual([2, 1]);
    expect(counted('invalid', 'unknown')).toBe(1);

    const letters = await eventually(
      async () => {
        const found = await listDeadLetters(kafka, topic);
        return found.length === 2 ? found : undefined;
      },
      { what: 'two dead letters' },
    );
    const [unreadable, poison] = letters;
    expect(unreadable).toMatchObject({
      key: orderId,
      value: 'not json at all',
      group: groupId,
      originalTopic: topic,
      attempts: 1,
      replayed: false,
    });
    expect(unreadable?.error).toMatch(/InvalidEvent: .*not JSON/);
    expect(poison).toMatchObject({ group: groupId, originalTopic: topic, attempts: 4, replayed: false });
    expect(poison?.error).toBe(`Error: cannot apply ${failing}`);
    expect(poison?.originalPartition).toBe(unreadable?.originalPartition);
    expect(BigInt(poison?.originalOffset ?? 0)).toBe(BigInt(unreadable?.originalOffset ?? 0) + 1n);
    expect(poison?.failedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The original headers travel with it, so a replay is the same event.
    const raw = await firstDeadLetterHeaders();
    expect(header(raw, 'eventType')).toBe('PaymentSucceeded');
    expect(header(raw, DEAD_LETTER_HEADERS.group)).toBe(groupId);
  });

  it('replays dead letters to their topic once, where a fixed consumer applies them', async () => {
    const failing = [...poisoned][0] ?? '';
    poisoned.clear();
    expect(await replayDeadLetters(kafka, topic)).toEqual({ replayed: 2, duplicates: 0 });
    await eventually(async () => (applied.includes(failing) ? true : undefined), {
      what: 'the replayed event applied',
    });
    // The unreadable one is still unreadable: it comes back as a new dead letter.
    const letters = await eventually(
      async () => {
        const found = await listDeadLetters(kafka, topic);
        return found.length === 3 ? found : undefined;
      },
      { what: 'the unreadable message dead-lettered again' },
    );
    expect(letters.map((letter) => letter.replayed)).toEqual([true, true, false]);
    expect(await summariseDeadLetters(kafka)).toContainEqual({
      topic,
      deadLetterTopic: deadLetterTopic(topic),
      total: 3,
      notReplayed: 1,
    });
    // A second replay sends only what arrived since the first (with the consumer stopped, so
    // the unreadable message is not dead-lettered yet again), and a third finds nothing.
    await consumer?.stop();
    consumer = undefined;
    expect(await replayDeadLetters(kafka, deadLetterTopic(topic))).toEqual({ replayed: 1, duplicates: 0 });
    expect(await replayDeadLetters(kafka, topic)).toEqual({ replayed: 0, duplicates: 0 });
  });
});

/** The first dead letter's raw headers, read with a throwaway group. */
async function firstDeadLetterHeaders(): Promise<IHeaders | undefined> {
  const reader = kafka.consumer({ groupId: uniqueName('dlq_test_reader') });
  await reader.connect();
  try {
    await reader.subscribe({ topics: [deadLetterTopic(topic)], fromBeginning: true });
    return await new Promise((resolve) => {
      void reader.run({
        eachMessage: async ({ message }) => {
          resolve(message.headers);
        },
      });
    });
  } finally {
    await reader.disconnect();
  }
}
