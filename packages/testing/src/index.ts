import { randomBytes } from 'node:crypto';
import { loadConfig, readStackEndpoints, type StackEndpoints } from '@emporium/config';

/** The engines the tests run against: the local stack, or external ones set by environment. */
export function stackEndpoints(): StackEndpoints {
  return loadConfig(readStackEndpoints);
}

/** A name no other test run uses, so tests share the stack without seeing each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * Retries `probe` until it returns a value other than undefined: for effects that travel
 * through an asynchronous pipeline (CDC, consumers) and arrive within a bound, not at once.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const reason = lastError instanceof Error ? `: last error ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

/** The part of a Kafka admin client (kafkajs `Admin`) that reads a topic's and a group's offsets. */
export interface OffsetsAdmin {
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string }[]>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/** A message's place in a topic: what a producer's send answers. */
export interface TopicPosition {
  partition: number;
  /** The message's offset (a string, as Kafka clients give it). */
  offset: string;
}

/**
 * Waits until consumer group `groupId` has committed past each position of `topic`: the
 * marker that proves "nothing happened" for an event already in Kafka. A consumer applies a
 * message before it commits the offset, so once this resolves whatever the event was going
 * to change has changed, and a check that finds nothing changed cannot pass by luck.
 */
export async function consumedPast(
  admin: OffsetsAdmin,
  groupId: string,
  topic: string,
  positions: readonly TopicPosition[],
  { timeoutMs = 30_000 } = {},
): Promise<void> {
  await eventually(
    async () => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      return positions.every((position) => (at.get(position.partition) ?? -1n) > BigInt(position.offset))
        ? true
        : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `consumer group ${groupId} to pass ${topic} at ${JSON.stringify(positions)}` },
  );
}

/**
 * Waits until consumer group `groupId` has committed past every message `topic` holds now
 * ({@link consumedPast} on the last message of each partition that has one). An event still
 * on its way through an outbox is not in the topic yet: first wait for a later event of the
 * same outbox to arrive (change data capture relays one outbox in commit order).
 */
export async function consumedToEnd(
  admin: OffsetsAdmin,
  groupId: string,
  topic: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  const last = ends
    .filter((end) => BigInt(end.high) > 0n)
    .map((end) => ({ partition: end.partition, offset: (BigInt(end.high) - 1n).toString() }));
  await consumedPast(admin, groupId, topic, last, options);
}
