import { afterAll, describe, expect, it } from 'vitest';
import {
  createKafka,
  DEFAULT_PARTITIONS,
  ensureTopics,
  undersizedTopics,
  type KafkaMessage,
  type Producer,
} from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { stackEndpoints, uniqueName, eventually } from '@emporium/testing';

const kafka = createKafka({
  clientId: 'infra-smoke',
  brokers: stackEndpoints().kafka.brokers,
  logger: createLogger('test', { level: 'error' }),
});
const admin = kafka.admin();
const topic = uniqueName('smoke');
// Named like event topics, so the platform's own filter picks them up.
const olderTopic = `${uniqueName('smoke-older')}.events.v1`;
const newerTopic = `${uniqueName('smoke-newer')}.events.v1`;

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic, olderTopic, newerTopic] }).catch(() => undefined);
  await admin.disconnect();
});

const PARTITIONS = DEFAULT_PARTITIONS;
const MARKER = 'marker';

/**
 * Consumes the group's messages until it has seen, on every partition, a marker sent after
 * the messages under test: a redelivery of one of them would have come before its
 * partition's marker, so the count is final without waiting for time to pass. The markers
 * are consumed (and committed) too, and not returned.
 */
async function consumeAll(groupId: string, producer: Producer): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId });
  const received: KafkaMessage[] = [];
  const markers = new Set<number>();
  // This call's own markers: an earlier call's, were they delivered again, prove nothing.
  const token = uniqueName('marker');
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      if (message.key?.toString() !== MARKER) received.push(message);
      else if (message.value?.toString() === token) markers.add(partition);
    },
  });
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ key: MARKER, value: token, partition })),
    });
    await eventually(async () => (markers.size === PARTITIONS ? true : undefined), {
      what: 'a marker on every partition',
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('Kafka through kafkajs', () => {
  it('delivers produced messages to a consumer group, in order per key, and resumes after a restart', async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const send = (from: number, to: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: to - from }, (_, i) => ({
          key: `order-${(from + i) % 4}`,
          value: JSON.stringify({ seq: from + i }),
        })),
      });

    await send(0, 20);
    const groupId = uniqueName('smoke-group');
    const first = await consumeAll(groupId, producer);
    expect(first).toHaveLength(20);
    for (const key of ['order-0', 'order-1', 'order-2', 'order-3']) {
      const seqs = first
        .filter((m) => m.key?.toString() === key)
        .map((m) => (JSON.parse(m.value?.toString() ?? '{}') as { seq: number }).seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }

    // The group committed its offsets: a restarted consumer sees only what came since.
    await send(20, 25);
    const second = await consumeAll(groupId, producer);
    await producer.disconnect();
    expect(
      second.map((m) => (JSON.parse(m.value?.toString() ?? '{}') as { seq: number }).seq).sort((a, b) => a - b),
    ).toEqual([20, 21, 22, 23, 24]);
  });

  it('reports a topic an older stack made with fewer partitions, and leaves it so', async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: olderTopic, numPartitions: 3 }], waitForLeaders: true });
    // A service starting on the older stack ensures its topics: the existing one is not grown.
    await ensureTopics(kafka, [olderTopic, newerTopic]);
    const partitionsOf = async (name: string) =>
      (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]?.partitions.length;
    expect(await partitionsOf(olderTopic)).toBe(3);
    expect(await partitionsOf(newerTopic)).toBe(DEFAULT_PARTITIONS);

    const undersized = await undersizedTopics(kafka);
    expect(undersized).toContainEqual({ topic: olderTopic, partitions: 3 });
    expect(undersized.map((entry) => entry.topic)).not.toContain(newerTopic);
    // Kafka's and Connect's own topics are not the platform's to judge.
    expect(undersized.filter((entry) => entry.topic.startsWith('_'))).toEqual([]);
  });
});
