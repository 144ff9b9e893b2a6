import type { Kafka } from 'kafkajs';
import { InvalidEvent, decodeEventMessage, type DomainEvent } from '@emporium/events';
import type { Logger } from '@emporium/logging';
import { crashedForGood } from './crash.ts';
import { ensureTopics, subscribeWhenReady } from './topics.ts';

/** Options of {@link startEventConsumer}. */
export interface EventConsumerOptions {
  kafka: Kafka;
  /** The consumer group: replicas of one service share it, and so share the partitions. */
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  /**
   * Applies one event. It must be idempotent on `event.id` (a redelivery after a crash or
   * rebalance hands it over again); throwing leaves the offset uncommitted, so the event is
   * retried, in order, before anything after it in its partition.
   */
  handle: (event: DomainEvent) => Promise<void>;
  /** Partitions worked on at once within this process. */
  concurrency?: number;
}

/** A running event consumer. */
export interface EventConsumer {
  /** Finishes the event in hand, commits, leaves the group. */
  stop(): Promise<void>;
  /** Resolves with the error that stopped the consumer for good (not a retriable one). */
  readonly crashed: Promise<Error>;
}

/**
 * Consumes domain events from the outbox topics in a consumer group, one event at a time per
 * partition (so each aggregate's events apply in order), committing each offset after its
 * handler returned. A message that is not a valid event can never succeed, so it is logged
 * and skipped rather than left to block its partition.
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const { kafka, logger, handle } = options;
  await ensureTopics(kafka, options.topics);
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await subscribeWhenReady(consumer, options.topics, { fromBeginning: true });
  const crashed = crashedForGood(consumer);
  await consumer.run({
    partitionsConsumedConcurrently: options.concurrency ?? 3,
    eachMessage: async ({ topic, partition, message }) => {
      let event: DomainEvent;
      try {
        event = decodeEventMessage(message);
      } catch (error) {
        if (!(error instanceof InvalidEvent)) throw error;
        logger.error(
          { err: error, topic, partition, offset: message.offset },
          'skipping a message that is not a valid event',
        );
        return;
      }
      try {
        await handle(event);
      } catch (error) {
        logger.warn(
          { err: error, topic, eventId: event.id, type: event.type },
          'event handler failed; it will be retried',
        );
        throw error;
      }
    },
  });
  logger.info({ groupId: options.groupId, topics: options.topics }, 'consuming events');
  return { stop: () => consumer.disconnect(), crashed };
}
