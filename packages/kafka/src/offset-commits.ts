import type { Consumer } from 'kafkajs';
import type { Logger } from '@emporium/logging';

/**
 * How often an event consumer commits what it has handled. kafkajs commits after every batch
 * it hands over, and at the rates a shop runs a batch is one event, so every event cost an
 * offset commit: a request to the broker, a write to `__consumer_offsets` and the client's
 * own work, for each of the groups that read it. Handlers are idempotent on the event's id
 * (each claims it in the transaction of its effect), so what a crash or a rebalance leaves
 * uncommitted is redelivered and skipped, never applied twice; a second bounds that replay.
 */
export const COMMIT_EVERY_MS = 1000;

interface PendingOffset {
  topic: string;
  partition: number;
  /** The next offset to read: the handled message's offset + 1, as Kafka commits it. */
  offset: string;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${String(partition)}`;

/**
 * Commits a consumer's handled offsets on a schedule instead of after every batch, and all
 * of them on the way out: `drain` pauses the consumer, waits for the handlers in hand, then
 * commits, so a clean stop or redeploy replays nothing.
 */
export class ScheduledCommits {
  readonly #consumer: Consumer;
  readonly #topics: readonly string[];
  readonly #logger: Logger;
  readonly #pending = new Map<string, PendingOffset>();
  /** Commits run one after another, so an older offset never lands after a newer one. */
  #committing: Promise<void> = Promise.resolve();
  #inHand = 0;
  #allDone: (() => void) | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(consumer: Consumer, options: { topics: readonly string[]; everyMs: number; logger: Logger }) {
    this.#consumer = consumer;
    this.#topics = options.topics;
    this.#logger = options.logger;
    this.#timer = setInterval(() => void this.commit(), options.everyMs);
    // The schedule alone must not keep a process alive.
    this.#timer.unref();
    // After a rebalance, offsets of partitions that went to another member are theirs to commit.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => keyOf(topic, partition)),
        ),
      );
      for (const key of this.#pending.keys()) if (!assigned.has(key)) this.#pending.delete(key);
    });
  }

  /** Runs a handler, counted as in hand until it returns; then its offset is due. */
  handle(topic: string, partition: number, offset: string, work: () => Promise<void>): Promise<void> {
    return this.inHand(async () => {
      await work();
      this.done(topic, partition, offset);
    });
  }

  /** Runs `work` counted as in hand, so `drain` waits for it. */
  async inHand(work: () => Promise<void>): Promise<void> {
    this.#inHand += 1;
    try {
      await work();
    } finally {
      this.#inHand -= 1;
      if (this.#inHand === 0) this.#allDone?.();
    }
  }

  /** Marks `offset` of the partition (and all before it) handled: due at the next commit. */
  done(topic: string, partition: number, offset: string): void {
    this.#pending.set(keyOf(topic, partition), { topic, partition, offset: String(BigInt(offset) + 1n) });
  }

  /** Commits every offset handled since the last commit (none: no request). */
  commit(): Promise<void> {
    this.#committing = this.#committing.then(() => this.#commitPending());
    return this.#committing;
  }

  /** Stops taking batches, waits for the handlers in hand and commits what they did. */
  async drain(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      this.#consumer.pause(this.#topics.map((topic) => ({ topic })));
    } catch {
      // Never ran (its start failed): nothing is in hand.
    }
    if (this.#inHand > 0) await new Promise<void>((resolve) => (this.#allDone = resolve));
    await this.commit();
  }

  async #commitPending(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    try {
      await this.#consumer.commitOffsets(batch);
    } catch (error) {
      // Not lost: the next tick tries again, unless a newer offset of the partition came since.
      for (const entry of batch) {
        const key = keyOf(entry.topic, entry.partition);
        if (!this.#pending.has(key)) this.#pending.set(key, entry);
      }
      this.#logger.warn({ err: error }, 'offset commit failed; retrying on the next tick');
    }
  }
}
