import type { EachMessagePayload, Kafka } from 'kafkajs';
import { InvalidEvent, decodeEventMessage, type DomainEvent } from '@emporium/contracts';
import type { Logger } from '@emporium/logging';
import type { Registry } from 'prom-client';
import { crashedForGood } from './crash.ts';
import { COMMIT_EVERY_MS, ScheduledCommits } from './offset-commits.ts';
import { attemptWithRetries, createDeadLetterQueue, type RetryPolicy } from './dead-letters.ts';
import { consumerMetrics, measureConsumer, messageAgeSeconds } from './metrics.ts';
import { consumerReadiness } from './readiness.ts';
import { inConsumerSpan } from './tracing.ts';
import { DEFAULT_PARTITIONS, ensureTopics, subscribeWhenReady } from './topics.ts';

/** Options of {@link startEventConsumer}. */
export interface EventConsumerOptions {
  kafka: Kafka;
  /** The consumer group: replicas of one service share it, and so share the partitions. */
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  /**
   * Applies one event. It must be idempotent on `event.id` (a redelivery after a crash or
   * rebalance hands it over again). A throw is retried under `retry`, in order, before
   * anything after it in its partition; once the tries are spent the event goes to the
   * dead-letter topic and the partition moves on. A dependency failure (see
   * `isDependencyFailure`) is not the event's fault: it is retried until the dependency is back.
   */
  handle: (event: DomainEvent) => Promise<void>;
  /** Partitions worked on at once within this process; by default all of them, for a lone replica. */
  concurrency?: number;
  retry?: RetryPolicy;
  /** The process's metrics: messages, lag and each event's outcome and duration, by group. */
  metrics?: Registry;
  /** How often handled offsets are committed (see offset-commits.ts); all of them on stop. */
  commitEveryMs?: number;
}

/** A running event consumer. */
export interface EventConsumer {
  /** Finishes the event in hand, commits, leaves the group. */
  stop(): Promise<void>;
  /** Resolves with the error that stopped the consumer for good (not a retriable one). */
  readonly crashed: Promise<Error>;
  /** Readiness: resolves while the consumer is in its group and in touch with the brokers. */
  ready(): Promise<void>;
}

/**
 * Consumes domain events from the outbox topics in a consumer group, one event at a time per
 * partition (so each aggregate's events apply in order). An offset is committed once its
 * handler has returned, on a schedule rather than per event (offset-commits.ts). A message that is not a valid event can never succeed, and one whose
 * handler keeps failing will not either: both go to the topic's dead-letter topic (see
 * dead-letters.ts) instead of blocking their partition, and `npm run dlq` replays them.
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const { kafka, logger, handle, groupId } = options;
  await ensureTopics(kafka, options.topics);
  const deadLetters = await createDeadLetterQueue({ kafka, groupId, topics: options.topics, logger });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const ready = consumerReadiness(consumer);
  await consumer.connect();
  await subscribeWhenReady(consumer, options.topics, { fromBeginning: true });
  const crashed = crashedForGood(consumer);
  const metrics = options.metrics ? consumerMetrics(options.metrics) : undefined;
  if (options.metrics) measureConsumer(consumer, groupId, options.metrics);
  const counted = (topic: string, type: string, outcome: 'ok' | 'dead_lettered' | 'invalid'): void => {
    metrics?.events.inc({ group: groupId, topic, type, outcome });
  };
  const commits = new ScheduledCommits(consumer, {
    topics: options.topics,
    everyMs: options.commitEveryMs ?? COMMIT_EVERY_MS,
    logger,
  });
  await consumer.run({
    // One partition's retries must not hold up the others.
    partitionsConsumedConcurrently: options.concurrency ?? DEFAULT_PARTITIONS,
    autoCommit: false,
    eachMessage: (payload) =>
      commits.handle(payload.topic, payload.partition, payload.message.offset, () => consumeOne(payload)),
  });
  async function consumeOne(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const source = { topic, partition, message };
    const age = metrics ? messageAgeSeconds(message.timestamp, Date.now()) : undefined;
    if (age !== undefined) metrics?.eventAge.observe({ group: groupId, topic }, age);
    let event: DomainEvent;
    try {
      event = decodeEventMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEvent)) throw error;
      await deadLetters.send(source, error, 1);
      counted(topic, 'unknown', 'invalid');
      return;
    }
    const endTimer = metrics?.eventDuration.startTimer({ group: groupId, type: event.type });
    // The event's trace goes on here: what the handler queries and publishes joins it.
    const outcome = await inConsumerSpan(
      { groupId, topic, partition, offset: message.offset, headers: message.headers, event },
      () =>
        attemptWithRetries(() => handle(event), {
          heartbeat: () => payload.heartbeat(),
          logger,
          ...(options.retry ? { policy: options.retry } : {}),
          what: { topic, partition, offset: message.offset, eventId: event.id, type: event.type },
        }),
    );
    endTimer?.();
    if (!outcome.ok) await deadLetters.send(source, outcome.error, outcome.attempts);
    counted(topic, event.type, outcome.ok ? 'ok' : 'dead_lettered');
  }
  logger.info({ groupId, topics: options.topics }, 'consuming events');
  return {
    stop: async () => {
      await commits.drain();
      await consumer.disconnect();
      await deadLetters.stop();
    },
    crashed,
    ready,
  };
}
