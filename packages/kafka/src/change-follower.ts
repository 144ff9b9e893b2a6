import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@emporium/logging';

/** One message as a follower hands it on: where it came from and its key (a CDC row's primary key). */
export interface FollowedChange {
  topic: string;
  key: Buffer | null;
}

/** Options of {@link followChanges}. */
export interface ChangeFollowerOptions {
  kafka: Kafka;
  topics: readonly string[];
  /** Names this process's group (`<prefix>.<host>.<pid>.<random>`), so an operator can tell whose it is. */
  groupPrefix: string;
  logger: Logger;
  /** Each batch's changes, in order within a partition. */
  onChanges: (changes: readonly FollowedChange[]) => void;
  /**
   * The follower may have missed changes: it is not (or no longer) reading from the point it
   * joined, so whatever was derived from earlier reads must be dropped. Called on every
   * (re)join, on loss of the brokers, and again once in sync.
   */
  onGap: () => void;
  /** Tried again this long after a failed start; also the longest silence still counted as in sync. */
  retryMs?: number;
}

/** A running follower. */
export interface ChangeFollower {
  /**
   * True while every change committed from now on is sure to reach `onChanges`: the follower
   * is in its group, has fetched since it joined (so its offsets are placed), and heard from
   * the brokers lately.
   */
  inSync(): boolean;
  stop(): Promise<void>;
}

/** kafkajs's own wait for data on an idle fetch; a follower in touch fetches at least this often. */
const MAX_WAIT_MS = 5000;

/**
 * Follows topics from their end, in every process that calls it: each process is a group of
 * its own, so each sees every change (a broadcast, where a consumer group would split the
 * partitions between replicas). Nothing is committed: a follower that restarts or rejoins
 * starts again from the end, and says so through `onGap`, so what it derived (a cache) is
 * dropped rather than trusted across changes it never saw. Kafka forgets such a group once it
 * is empty, as it holds no offsets.
 *
 * Starting never blocks or throws: a follower whose brokers are away keeps trying every
 * `retryMs`, out of sync meanwhile, so its process serves on without what it derives.
 */
export function followChanges(options: ChangeFollowerOptions): ChangeFollower {
  const { kafka, topics, logger } = options;
  const retryMs = options.retryMs ?? 5000;
  let consumer: Consumer | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let joined = false;
  let placed = false;
  let lastContact = 0;

  const outOfSync = (): void => {
    joined = false;
    placed = false;
    options.onGap();
  };

  const start = async (): Promise<void> => {
    const groupId = `${options.groupPrefix}.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`;
    const candidate = kafka.consumer({ groupId, allowAutoTopicCreation: true, maxWaitTimeInMs: MAX_WAIT_MS });
    consumer = candidate;
    candidate.on(candidate.events.GROUP_JOIN, () => {
      // Partitions (re)assigned: positions start again at each partition's end.
      outOfSync();
      joined = true;
    });
    candidate.on(candidate.events.FETCH, () => {
      lastContact = Date.now();
      if (joined && !placed) {
        // A fetch answered, so every position was placed before it was sent: changes from here
        // on will arrive. What was derived between the join and now is dropped once more.
        options.onGap();
        placed = true;
      }
    });
    for (const gone of [candidate.events.CRASH, candidate.events.STOP, candidate.events.DISCONNECT]) {
      candidate.on(gone, outOfSync);
    }
    candidate.on(candidate.events.CRASH, (event) => {
      if (event.payload.restart || stopped) return;
      logger.warn({ err: event.payload.error, groupId }, 'change follower stopped; starting again');
      schedule();
    });
    await candidate.connect();
    await candidate.subscribe({ topics: [...topics], fromBeginning: false });
    await candidate.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        options.onChanges(batch.messages.map((message) => ({ topic: batch.topic, key: message.key })));
      },
    });
    logger.info({ groupId, topics }, 'following changes');
  };

  const schedule = (): void => {
    if (stopped) return;
    retry = setTimeout(() => {
      void attempt();
    }, retryMs);
    retry.unref();
  };

  const attempt = async (): Promise<void> => {
    const previous = consumer;
    consumer = undefined;
    await previous?.disconnect().catch(() => undefined);
    if (stopped) return;
    try {
      await start();
    } catch (error) {
      logger.warn({ err: error, topics }, 'change follower could not start; trying again');
      // start() set it before failing; the compiler cannot see through the await.
      const failed = consumer as Consumer | undefined;
      await failed?.disconnect().catch(() => undefined);
      schedule();
    }
  };

  void attempt();

  return {
    inSync: () => joined && placed && Date.now() - lastContact < MAX_WAIT_MS + retryMs,
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await consumer?.disconnect();
      joined = false;
      placed = false;
    },
  };
}
