import type { Consumer, Kafka } from 'kafkajs';

/** Partitions of the platform's event topics: the unit of parallelism of each consumer group. */
export const DEFAULT_PARTITIONS = 3;

/**
 * Creates the topics that do not exist yet (an existing one is left as it is). Consumers
 * call it before subscribing, so a topic never comes into being by the broker's
 * auto-creation with its default of one partition.
 *
 * Every service ensures its topics as it starts, so on a fresh cluster several create the
 * same topic at once, while the broker is still electing leaders. A failed attempt is tried
 * again from the listing: a topic another process created meanwhile is then simply there.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions = DEFAULT_PARTITIONS,
  attempts = 5,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await createMissingTopics(kafka, topics, partitions);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function createMissingTopics(kafka: Kafka, topics: readonly string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    // A replication factor of -1 takes the broker's default, so one config fits one broker and many.
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Subscribes, retrying while the broker reports a just-created topic's leader as not yet
 * available (it answers so for a moment after creation).
 */
export async function subscribeWhenReady(
  consumer: Consumer,
  topics: readonly string[],
  options: { fromBeginning: boolean; attempts?: number },
): Promise<void> {
  const attempts = options.attempts ?? 20;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
