import { setTimeout as sleep } from 'node:timers/promises';
import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '@emporium/logging';
import { backoffDelayMs, isDependencyFailure } from '@emporium/resilience';
import { ensureTopics } from './topics.ts';

/** Where the events a consumer gave up on go: one dead-letter topic per consumed topic. */
export const deadLetterTopic = (topic: string): string => `${topic}${DEAD_LETTER_SUFFIX}`;
export const DEAD_LETTER_SUFFIX = '.dlq';

/**
 * Headers a dead letter carries beside the original key, value and headers: enough to find
 * the original message, see why it failed and which consumer gave up on it.
 */
export const DEAD_LETTER_HEADERS = {
  error: 'dlq-error',
  group: 'dlq-group',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/** How often a failing event is tried before it is dead-lettered, and how long to wait between tries. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * About two seconds of tries in all: enough for a flaky moment, short enough that a poison
 * event holds its partition (and only its partition) briefly.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 1000 };

/** Where a message was read from. */
export interface MessageSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** A consumer group's dead-letter publisher. */
export interface DeadLetterQueue {
  /** Publishes `source`'s message to its dead-letter topic; resolves once the broker has it. */
  send(source: MessageSource, error: unknown, attempts: number): Promise<void>;
  stop(): Promise<void>;
}

/** Longest error text kept in a header: enough to diagnose, bounded so a message stays small. */
const MAX_ERROR_LENGTH = 2000;

const describe = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, MAX_ERROR_LENGTH);

/**
 * Creates the dead-letter topics of `topics` (like every other topic, never by the broker's
 * auto-creation) and a producer for them. A dead letter that cannot be published fails the
 * caller, so the original is not committed past and nothing is lost.
 */
export async function createDeadLetterQueue(options: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
}): Promise<DeadLetterQueue> {
  const { kafka, groupId, logger } = options;
  await ensureTopics(kafka, options.topics.map(deadLetterTopic));
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  return {
    async send({ topic, partition, message }, error, attempts) {
      const headers: IHeaders = {
        ...message.headers,
        [DEAD_LETTER_HEADERS.error]: describe(error),
        [DEAD_LETTER_HEADERS.group]: groupId,
        [DEAD_LETTER_HEADERS.topic]: topic,
        [DEAD_LETTER_HEADERS.partition]: String(partition),
        [DEAD_LETTER_HEADERS.offset]: message.offset,
        [DEAD_LETTER_HEADERS.attempts]: String(attempts),
        [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      };
      await producer.send({
        topic: deadLetterTopic(topic),
        messages: [{ key: message.key, value: message.value, headers }],
      });
      logger.error(
        {
          err: error,
          groupId,
          topic,
          partition,
          offset: message.offset,
          attempts,
          deadLetterTopic: deadLetterTopic(topic),
        },
        'gave up on a message; it is in the dead-letter topic',
      );
    },
    stop: () => producer.disconnect(),
  };
}

/** What became of a unit of work tried under a {@link RetryPolicy}. */
export type AttemptOutcome = { ok: true } | { ok: false; error: unknown; attempts: number };

/**
 * Runs `work` until it succeeds or `policy.attempts` tries have failed, with jittered
 * exponential backoff between tries and a heartbeat so the group does not think the
 * consumer is dead. A dependency failure (database or cluster down, a timeout) is thrown at
 * once instead: it says nothing about the message, so the message must not be
 * dead-lettered; the partition waits, and kafkajs retries it, until the dependency is back.
 */
export async function attemptWithRetries(
  work: () => Promise<void>,
  options: { policy?: RetryPolicy; heartbeat: () => Promise<void>; logger: Logger; what: Record<string, unknown> },
): Promise<AttemptOutcome> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await work();
      return { ok: true };
    } catch (error) {
      if (isDependencyFailure(error)) {
        options.logger.warn({ err: error, ...options.what }, 'a dependency failed; the message will be retried');
        throw error;
      }
      if (attempt >= policy.attempts) return { ok: false, error, attempts: attempt };
      options.logger.warn({ err: error, attempt, ...options.what }, 'handling a message failed; retrying');
      await sleep(backoffDelayMs(attempt, policy.baseDelayMs, policy.maxDelayMs));
      await options.heartbeat();
    }
  }
}

/** What {@link applyWithDeadLetters} needs to know about one batch consumer. */
export interface BatchSlice<T> {
  topic: string;
  partition: number;
  messages: readonly KafkaMessage[];
  /**
   * Reads one message; null for one with nothing to apply (a tombstone). Throws for one that
   * can never be read, which goes straight to the dead-letter topic.
   */
  read: (message: KafkaMessage) => T | null;
  /** Applies read messages, in order, idempotently (a retry or replay applies them again). */
  apply: (items: readonly T[]) => Promise<void>;
}

/**
 * Applies a slice of a batch with dead letters: unreadable messages are dead-lettered at
 * once, the rest applied together under the retry policy. When the slice keeps failing, each
 * message is applied on its own (in order), so one poison message is dead-lettered and the
 * rest still applied. Dependency failures are thrown, as in {@link attemptWithRetries}.
 */
export async function applyWithDeadLetters<T>(
  slice: BatchSlice<T>,
  options: {
    deadLetters: DeadLetterQueue;
    heartbeat: () => Promise<void>;
    logger: Logger;
    policy?: RetryPolicy;
  },
): Promise<void> {
  const readable: { message: KafkaMessage; item: T }[] = [];
  for (const message of slice.messages) {
    try {
      const item = slice.read(message);
      if (item !== null) readable.push({ message, item });
    } catch (error) {
      await options.deadLetters.send({ topic: slice.topic, partition: slice.partition, message }, error, 1);
    }
  }
  if (readable.length === 0) return;
  const where = { topic: slice.topic, partition: slice.partition };
  const together = await attemptWithRetries(() => slice.apply(readable.map(({ item }) => item)), {
    ...options,
    what: { ...where, messages: readable.length },
  });
  if (together.ok) return;
  if (readable.length === 1 && readable[0]) {
    await options.deadLetters.send({ ...where, message: readable[0].message }, together.error, together.attempts);
    return;
  }
  options.logger.warn(
    { err: together.error, ...where, messages: readable.length },
    'a slice keeps failing; applying its messages one by one',
  );
  // The slice as a whole had its retries: one more try each tells a poison message from the rest.
  const single: RetryPolicy = { ...(options.policy ?? DEFAULT_RETRY_POLICY), attempts: 2 };
  for (const { message, item } of readable) {
    const outcome = await attemptWithRetries(() => slice.apply([item]), {
      ...options,
      policy: single,
      what: { ...where, offset: message.offset },
    });
    if (!outcome.ok)
      await options.deadLetters.send({ ...where, message }, outcome.error, together.attempts + outcome.attempts);
  }
}
