import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@emporium/contracts';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import { createKafka, ensureTopics, startEventConsumer, type EventConsumer, type Producer } from '../src/index.ts';
import { paymentSucceededMessage } from './events.ts';

/**
 * The event consumer's offsets against a real broker: committed on a schedule, not after every
 * event (each commit is a broker request and a write for every group that reads an event), and
 * all of them when the consumer stops, after the handlers in hand are done, so a clean stop or
 * redeploy hands nothing over again.
 */
const logger = createLogger('test', { level: 'silent' });
const kafka = createKafka({ clientId: 'offset-commits-test', brokers: stackEndpoints().kafka.brokers, logger });
const topics: string[] = [];
const groups: string[] = [];
let producer: Producer;
const running = new Set<EventConsumer>();

async function newTopic(): Promise<{ topic: string; groupId: string }> {
  const topic = uniqueName('commits_test');
  const groupId = uniqueName('commits_test');
  topics.push(topic);
  groups.push(groupId);
  await ensureTopics(kafka, [topic]);
  return { topic, groupId };
}

async function send(topic: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await producer.send({ topic, messages: ids.map((id) => paymentSucceededMessage(id)) });
  return ids;
}

/** The group's committed offset and the log's end, per partition (nothing committed reads as 0, where a new group starts). */
async function offsets(topic: string, groupId: string): Promise<{ committed: string[]; ends: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const byPartition = (list: { partition: number; offset: string }[]) =>
      [...list].sort((a, b) => a.partition - b.partition).map((entry) => entry.offset);
    return {
      committed: byPartition(fetched?.partitions ?? []).map((offset) => (offset === '-1' ? '0' : offset)),
      ends: byPartition(ends.map(({ partition, high }) => ({ partition, offset: high }))),
    };
  } finally {
    await admin.disconnect();
  }
}

async function consume(
  topic: string,
  groupId: string,
  handle: (event: DomainEvent) => Promise<void>,
  commitEveryMs: number,
): Promise<EventConsumer> {
  const consumer = await startEventConsumer({ kafka, groupId, topics: [topic], logger, handle, commitEveryMs });
  running.add(consumer);
  return consumer;
}

async function stop(consumer: EventConsumer): Promise<void> {
  running.delete(consumer);
  await consumer.stop();
}

beforeAll(async () => {
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await Promise.all([...running].map((consumer) => consumer.stop()));
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups(groups).catch(() => undefined);
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

describe('an event consumer’s offset commits', () => {
  it('commits on its schedule rather than per event, everything on stop, and a restart replays nothing', async () => {
    const { topic, groupId } = await newTopic();
    const sent = await send(topic, 30);
    const handled: string[] = [];
    // A schedule longer than the test: whatever is committed before the stop came from elsewhere.
    const consumer = await consume(topic, groupId, async (event) => void handled.push(event.id), 3_600_000);
    await eventually(async () => (handled.length >= sent.length ? true : undefined), { what: 'every event handled' });
    expect(new Set(handled)).toEqual(new Set(sent));
    const whileRunning = await offsets(topic, groupId);
    expect(whileRunning.committed.every((offset) => offset === '0')).toBe(true);

    await stop(consumer);
    const afterStop = await offsets(topic, groupId);
    expect(afterStop.committed).toEqual(afterStop.ends);

    // The next replica of the group starts where this one stopped: only the new event arrives.
    const again: string[] = [];
    const next = await consume(topic, groupId, async (event) => void again.push(event.id), 3_600_000);
    const [later] = await send(topic, 1);
    await eventually(async () => (again.includes(later ?? '') ? true : undefined), { what: 'the new event handled' });
    expect(again).toEqual([later]);
    await stop(next);
  }, 60_000);

  it('commits while running, once per tick', async () => {
    const { topic, groupId } = await newTopic();
    const handled: string[] = [];
    await consume(topic, groupId, async (event) => void handled.push(event.id), 200);
    const sent = await send(topic, 10);
    await eventually(async () => (handled.length >= sent.length ? true : undefined), { what: 'every event handled' });
    await eventually(
      async () => {
        const { committed, ends } = await offsets(topic, groupId);
        return committed.join() === ends.join() ? true : undefined;
      },
      { what: 'the group committed up to the end of every partition' },
    );
  }, 60_000);

  it('on stop, waits for the handler in hand and commits its event', async () => {
    const { topic, groupId } = await newTopic();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const finished: string[] = [];
    const consumer = await consume(
      topic,
      groupId,
      async (event) => {
        started = true;
        await gate;
        finished.push(event.id);
      },
      3_600_000,
    );
    const [id] = await send(topic, 1);
    await eventually(async () => (started ? true : undefined), { what: 'the handler in hand' });
    // A stop that committed before the handler returned would leave its event to be handed over again.
    const stopping = stop(consumer);
    release();
    await stopping;
    expect(finished).toEqual([id]);
    const { committed, ends } = await offsets(topic, groupId);
    expect(committed).toEqual(ends);
  }, 60_000);
});
