import { afterAll, describe, expect, it } from 'vitest';
import { createKafka, type KafkaMessage } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { stackEndpoints, uniqueName, eventually } from '@emporium/testing';

const kafka = createKafka({
  clientId: 'infra-smoke',
  brokers: stackEndpoints().kafka.brokers,
  logger: createLogger('test', { level: 'error' }),
});
const admin = kafka.admin();
const topic = uniqueName('smoke');

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

async function consumeAll(groupId: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId });
  const received: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push(message);
    },
  });
  try {
    await eventually(async () => (received.length >= expected ? true : undefined), { what: `${expected} messages` });
    // Give a redelivery the chance to show up before asserting there was none.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('Kafka through kafkajs', () => {
  it('delivers produced messages to a consumer group, in order per key, and resumes after a restart', async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
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
    const first = await consumeAll(groupId, 20);
    expect(first).toHaveLength(20);
    for (const key of ['order-0', 'order-1', 'order-2', 'order-3']) {
      const seqs = first
        .filter((m) => m.key?.toString() === key)
        .map((m) => (JSON.parse(m.value?.toString() ?? '{}') as { seq: number }).seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }

    // The group committed its offsets: a restarted consumer sees only what came since.
    await send(20, 25);
    const second = await consumeAll(groupId, 5);
    await producer.disconnect();
    expect(
      second.map((m) => (JSON.parse(m.value?.toString() ?? '{}') as { seq: number }).seq).sort((a, b) => a - b),
    ).toEqual([20, 21, 22, 23, 24]);
  });
});
