/**
 * Kafka access for every service. kafkajs is unmaintained, so it stays behind this package:
 * services import from here only, and replacing the client later touches one place.
 */
import { Kafka, logLevel, type LogEntry, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@emporium/logging';
import { installIdleRequestFix } from './idle-requests.ts';

export type { Admin, Consumer, EachBatchPayload, EachMessagePayload, KafkaMessage, Producer } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: readonly string[];
  logger: Logger;
  /** How long a connection attempt may take before it counts as failed. */
  connectionTimeoutMs?: number;
  /** How long one request to a broker may take before it counts as failed (and is retried). */
  requestTimeoutMs?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Creates a client whose own log lines go through the service's logger. */
export function createKafka(options: KafkaClientOptions): Kafka {
  // Before any connection exists: an idle kafkajs connection otherwise spins a 1 ms timer.
  installIdleRequestFix();
  const logger = options.logger.child({ component: 'kafka' });
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger[LEVELS[level] ?? 'info'](rest, message);
      },
  };
  return new Kafka(config);
}

export {
  DEFAULT_PARTITIONS,
  ensureTopics,
  subscribeWhenReady,
  undersizedTopics,
  type UndersizedTopic,
} from './topics.ts';
export { crashedForGood } from './crash.ts';
export { startChangeConsumer } from './change-consumer.ts';
export type { ChangeConsumer, ChangeConsumerOptions, ChangeSlice } from './change-consumer.ts';
export { startEventConsumer } from './event-consumer.ts';
export type { EventConsumer, EventConsumerOptions } from './event-consumer.ts';
export {
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_SUFFIX,
  DEFAULT_RETRY_POLICY,
  applyWithDeadLetters,
  attemptWithRetries,
  createDeadLetterQueue,
  deadLetterTopic,
} from './dead-letters.ts';
export type { AttemptOutcome, BatchSlice, DeadLetterQueue, MessageSource, RetryPolicy } from './dead-letters.ts';
export {
  REPLAYED_FROM_HEADER,
  listDeadLetters,
  replayDeadLetters,
  replayGroup,
  summariseDeadLetters,
  toDeadLetterTopic,
} from './dead-letter-replay.ts';
export type { DeadLetter, DeadLetterTopicSummary } from './dead-letter-replay.ts';
export { consumerReadiness } from './readiness.ts';
export { EVENT_AGE_BUCKETS, consumerMetrics, measureConsumer, messageAgeSeconds } from './metrics.ts';
export { traceparentOf } from './tracing.ts';
export { followChanges } from './change-follower.ts';
export type { ChangeFollower, ChangeFollowerOptions, FollowedChange } from './change-follower.ts';
