import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@emporium/logging';
import type { Registry } from 'prom-client';
import { crashedForGood } from './crash.ts';
import { applyWithDeadLetters, createDeadLetterQueue } from './dead-letters.ts';
import { measureConsumer } from './metrics.ts';
import { COMMIT_EVERY_MS, ScheduledCommits } from './offset-commits.ts';
import { consumerReadiness } from './readiness.ts';
import { subscribeWhenReady } from './topics.ts';

/** Where a slice of changes came from, for the applier's own log lines. */
export interface ChangeSlice {
  topic: string;
  partition: number;
  /** The offset of the slice's last message. */
  lastOffset: string;
}

/** Options of {@link startChangeConsumer}. */
export interface ChangeConsumerOptions<T> {
  kafka: Kafka;
  /** The consumer group; its committed offsets are where a restarted replica resumes. */
  groupId: string;
  /** Read from the beginning by a new group, where a connector's snapshot is. */
  topics: readonly string[];
  logger: Logger;
  /** Messages applied at once; a Kafka batch larger than this is applied in slices. */
  sliceSize: number;
  /**
   * Partitions worked on at once in this process. 1 (the default) applies one batch at a time
   * across every topic, for appliers whose topics depend on each other.
   */
  concurrency?: number;
  /**
   * How a message of `topic` is read: null for one with nothing to apply (a tombstone); a
   * throw for one that can never be read (it is dead-lettered). Undefined skips the topic.
   */
  reader: (topic: string) => ((message: KafkaMessage) => T | null) | undefined;
  /** Applies a slice's changes in order, idempotently: a crash before the commit replays them. */
  apply: (changes: readonly T[], slice: ChangeSlice) => Promise<void>;
  /** The process's metrics: messages, lag and batch durations by group. */
  metrics?: Registry;
  /** How often applied offsets are committed (see offset-commits.ts); all of them on stop. */
  commitEveryMs?: number;
}

/** A running change consumer. */
export interface ChangeConsumer {
  readonly consumer: Consumer;
  /** Finishes the batch in hand, commits, leaves the group. */
  stop(): Promise<void>;
  /** Resolves with the error that stopped the consumer for good (not a retriable one). */
  readonly crashed: Promise<Error>;
  /** Readiness: resolves while the consumer is in its group and in touch with the brokers. */
  ready(): Promise<void>;
}

/**
 * Consumes change streams (Debezium's CDC topics) a batch at a time: each batch is applied in
 * slices, and each slice's offsets are resolved only once it is applied, then committed on a
 * schedule (offset-commits.ts), so a crash replays only what was applied since the last commit,
 * which the appliers' version checks make harmless. A change that can never be read or applied goes to its topic's
 * dead-letter topic (applyWithDeadLetters) instead of blocking its partition. Event streams
 * of the outboxes, applied one event at a time, use startEventConsumer instead.
 */
export async function startChangeConsumer<T>(options: ChangeConsumerOptions<T>): Promise<ChangeConsumer> {
  const { kafka, groupId, topics, logger, sliceSize } = options;
  const deadLetters = await createDeadLetterQueue({ kafka, groupId, topics, logger });
  // A topic appears with its table's first change; auto-creation covers a consumer that starts first.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: true });
  const ready = consumerReadiness(consumer);
  const crashed = crashedForGood(consumer);
  if (options.metrics) measureConsumer(consumer, groupId, options.metrics);
  await consumer.connect();
  await subscribeWhenReady(consumer, topics, { fromBeginning: true });
  const commits = new ScheduledCommits(consumer, {
    topics,
    everyMs: options.commitEveryMs ?? COMMIT_EVERY_MS,
    logger,
  });
  await consumer.run({
    partitionsConsumedConcurrently: options.concurrency ?? 1,
    eachBatchAutoResolve: false,
    autoCommit: false,
    eachBatch: (payload) => commits.inHand(() => applyBatch(payload)),
  });
  async function applyBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const read = options.reader(batch.topic);
    if (!read) return;
    for (let start = 0; start < batch.messages.length; start += sliceSize) {
      if (!payload.isRunning() || payload.isStale()) break;
      const messages = batch.messages.slice(start, start + sliceSize);
      const last = messages.at(-1);
      if (!last) break;
      const where = { topic: batch.topic, partition: batch.partition, lastOffset: last.offset };
      await applyWithDeadLetters(
        {
          topic: batch.topic,
          partition: batch.partition,
          messages,
          read,
          apply: (changes) => options.apply(changes, where),
        },
        { deadLetters, heartbeat: () => payload.heartbeat(), logger },
      );
      payload.resolveOffset(last.offset);
      commits.done(batch.topic, batch.partition, last.offset);
      await payload.heartbeat();
    }
  }
  logger.info({ groupId, topics }, 'consuming changes');
  return {
    consumer,
    crashed,
    ready,
    stop: async () => {
      await commits.drain();
      await consumer.disconnect();
      await deadLetters.stop();
    },
  };
}
