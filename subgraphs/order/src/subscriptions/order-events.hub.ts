import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { InvalidEvent, TOPICS, decodeEventMessage, type OrderStatusChanged } from '@emporium/contracts';
import {
  consumerReadiness,
  crashedForGood,
  ensureTopics,
  subscribeWhenReady,
  traceparentOf,
  type Consumer,
  type KafkaMessage,
  type createKafka,
} from '@emporium/kafka';
import type { Logger } from '@emporium/logging';

type Kafka = ReturnType<typeof createKafka>;

/**
 * Called with each OrderStatusChanged of one order, synchronously, in the order Kafka
 * delivers them, with the W3C `traceparent` of the work that published it (if traced), so a
 * push to a subscriber can join the order's trace.
 */
export type OrderStatusListener = (event: OrderStatusChanged, traceparent?: string) => void;

/** Where subscriber streams hear of live status changes; the hub, or a stand-in in tests. */
export interface OrderEventSource {
  /** Starts calling `listener` for `orderId`'s events; the returned function stops it. */
  listen(orderId: string, listener: OrderStatusListener): () => void;
}

/** Options of {@link OrderEventsHub}. */
export interface OrderEventsHubOptions {
  kafka: Kafka;
  logger: Logger;
  /** The order events topic; tests pass one of their own. */
  topic?: string;
  /** How long an idle fetch waits at the broker; also bounds how long {@link OrderEventsHub.start} waits. */
  maxWaitTimeMs?: number;
}

/**
 * One process's broadcast of order status changes to its live subscribers. It reads the
 * order topic in a consumer group of its own (unique per process, from the latest offsets,
 * nothing committed), so every replica of the subgraph sees every event, while the order
 * worker's 'order-saga' group goes on sharing the work. Subscribers read what happened
 * before they came from the order's history, not from Kafka.
 */
export class OrderEventsHub implements OrderEventSource {
  readonly groupId = `order-subscriptions-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly topic: string;
  readonly #kafka: Kafka;
  readonly #logger: Logger;
  readonly #maxWaitTimeMs: number;
  readonly #listeners = new Map<string, Set<OrderStatusListener>>();
  #consumer: Consumer | null = null;
  #crashed: Promise<Error> = new Promise<Error>(() => undefined);
  #ready: () => Promise<void> = () => Promise.reject(new Error('the order events hub is not started'));

  constructor(options: OrderEventsHubOptions) {
    this.#kafka = options.kafka;
    this.topic = options.topic ?? TOPICS.order;
    this.#logger = options.logger.child({ component: 'order-events-hub' });
    this.#maxWaitTimeMs = options.maxWaitTimeMs ?? 1000;
  }

  /** Resolves with the error that stopped the consumer for good (not a retriable one). */
  get crashed(): Promise<Error> {
    return this.#crashed;
  }

  /** Readiness: resolves while the hub's consumer is in its group and in touch with the brokers. */
  ready(): Promise<void> {
    return this.#ready();
  }

  /**
   * Joins the topic and resolves once the consumer has fetched from the latest offsets: from
   * then on no event is missed, which subscribers rely on (they listen, then read history).
   */
  async start(): Promise<void> {
    if (this.#consumer) throw new Error('the order events hub is already started');
    await ensureTopics(this.#kafka, [this.topic]);
    const consumer = this.#kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.#maxWaitTimeMs,
    });
    this.#consumer = consumer;
    this.#ready = consumerReadiness(consumer);
    await consumer.connect();
    await subscribeWhenReady(consumer, [this.topic], { fromBeginning: false });
    this.#crashed = crashedForGood(consumer);
    // Offsets are resolved (to the latest) before the first fetch, so a finished fetch means "listening".
    const fetching = new Promise<void>((resolve) => {
      const stopWaiting = consumer.on(consumer.events.FETCH, () => {
        stopWaiting();
        resolve();
      });
    });
    await consumer.run({
      // Nothing to resume: a restarted process has no subscribers and starts from the latest offsets.
      autoCommit: false,
      eachMessage: ({ message, partition }) => {
        this.#dispatch(message, partition);
        return Promise.resolve();
      },
    });
    await Promise.race([fetching, this.#crashed.then((error) => Promise.reject(error))]);
    this.#logger.info({ groupId: this.groupId, topic: this.topic }, 'broadcasting order status changes');
  }

  listen(orderId: string, listener: OrderStatusListener): () => void {
    const key = orderId.toLowerCase();
    let listeners = this.#listeners.get(key);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(key, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#listeners.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(key);
    };
  }

  /** How many subscribers listen, over all orders: for health figures and leak tests. */
  listenerCount(): number {
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  /** Leaves the topic and deletes the consumer group, so groups of stopped processes do not pile up. */
  async stop(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    this.#consumer = null;
    await consumer.disconnect();
    const admin = this.#kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      // An empty group without offsets may be gone already; anything else leaves an idle group behind, no more.
      this.#logger.debug({ err: error, groupId: this.groupId }, 'consumer group not deleted');
    } finally {
      await admin.disconnect();
    }
  }

  #dispatch(message: KafkaMessage, partition: number): void {
    let event;
    try {
      event = decodeEventMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEvent)) throw error;
      // Skipped, not dead-lettered: this group is a per-process broadcast that commits
      // nothing; the durable groups on the same topic dead-letter the message for replay.
      this.#logger.error(
        { err: error, topic: this.topic, partition, offset: message.offset },
        'skipping a message that is not a valid event',
      );
      return;
    }
    if (event.type !== 'OrderStatusChanged') return;
    const listeners = this.#listeners.get(event.payload.orderId.toLowerCase());
    if (!listeners) return;
    const traceparent = traceparentOf(message.headers);
    // A copy: a listener may stop listening (or others) while being called.
    for (const listener of [...listeners]) {
      try {
        listener(event.payload, traceparent);
      } catch (error) {
        this.#logger.error({ err: error, orderId: event.payload.orderId }, 'order status listener failed');
      }
    }
  }
}
