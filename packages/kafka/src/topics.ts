import type { Consumer, Kafka } from 'kafkajs';

/**
 * Partitions of the platform's event topics: the unit of parallelism of each consumer group,
 * so the most replicas of a worker that get work. Events are keyed by aggregate id, so one
 * order's events share a partition and stay in order whatever the count. The CDC connectors
 * (`topic.creation.default.partitions`) and the broker's `num.partitions` say the same.
 */
export const DEFAULT_PARTITIONS = 6;

/** The platform's own topics: events, CDC streams and their dead letters (not Kafka's or Connect's). */
const PLATFORM_TOPIC = /^cdc\.|\.events\.v\d+(\.dlq)?$/;

/** An existing topic with fewer partitions than the platform creates now. */
export interface UndersizedTopic {
  topic: string;
  partitions: number;
}

/**
 * The platform's topics that have fewer than `partitions` partitions: ones made before the
 * platform went to {@link DEFAULT_PARTITIONS}. They are reported, never grown here: growing a
 * topic remaps keys to partitions, so an order's next event could be consumed before an
 * earlier one still waiting in its old partition, and nothing on the broker proves every
 * producer and consumer group is drained. They work as they are, with fewer busy replicas.
 */
export async function undersizedTopics(
  kafka: Kafka,
  options: { partitions?: number; include?: (topic: string) => boolean } = {},
): Promise<UndersizedTopic[]> {
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  const include = options.include ?? ((topic: string) => PLATFORM_TOPIC.test(topic));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter(include);
    if (topics.length === 0) return [];
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return metadata
      .filter((topic) => topic.partitions.length < partitions)
      .map((topic) => ({ topic: topic.name, partitions: topic.partitions.length }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } finally {
    await admin.disconnect();
  }
}

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
