import type { MikroORM } from '@emporium/db';
import {
  DEFAULT_PARTITIONS,
  applyWithDeadLetters,
  consumerReadiness,
  createDeadLetterQueue,
  subscribeWhenReady,
  type Consumer,
  type createKafka,
} from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { UnitOfWork } from '../../context.ts';
import type { CatalogueReplicaService } from '../../services/catalogue-replica.service.ts';
import { InvalidChangeEvent, readProductChanged, type ProductChanged } from '../product-changed.event.ts';

/** Options of {@link startCatalogueConsumer}. */
export interface CatalogueConsumerOptions {
  kafka: ReturnType<typeof createKafka>;
  orm: MikroORM;
  replica: CatalogueReplicaService;
  /** The product table's CDC topic. */
  topic: string;
  /** The consumer group; a new one starts from the beginning of the topic, where the snapshot is. */
  groupId?: string;
  logger: Logger;
  /** Messages per upsert; a Kafka batch larger than this is written in slices. */
  sliceSize?: number;
}

/** A running catalogue consumer. */
export interface CatalogueConsumer {
  readonly consumer: Consumer;
  /** Finishes the batch in hand, commits, leaves the group. */
  stop(): Promise<void>;
  /** Readiness: resolves while the consumer is in its group and in touch with the brokers. */
  ready(): Promise<void>;
}

export const CATALOGUE_GROUP = 'cart-catalogue';
const DEFAULT_SLICE = 1000;

/**
 * Reads a slice of message values and applies them to the replica in one upsert, for
 * callers that hold values outside a consumer: a message that cannot be read is logged and
 * skipped. The consumer below dead-letters such messages instead.
 */
export async function applyCatalogueMessages(
  ctx: UnitOfWork,
  replica: CatalogueReplicaService,
  values: readonly (Buffer | string | null)[],
  logger: Logger,
): Promise<number> {
  const changes = values.flatMap((value): ProductChanged[] => {
    try {
      const change = readProductChanged(value);
      return change ? [change] : [];
    } catch (error) {
      if (!(error instanceof InvalidChangeEvent)) throw error;
      logger.error({ err: error }, 'skipping an unreadable product change');
      return [];
    }
  });
  return replica.apply(ctx, changes);
}

/**
 * Consumes the product table's change stream into the catalogue replica, a batch at a time
 * (the initial snapshot of thousands of products loads in a few upserts). Offsets are
 * resolved after each slice is stored and committed after the batch, so a crash replays
 * only what was not written, and the LSN check makes the replay harmless. A change that can
 * never be read or stored goes to the topic's dead-letter topic instead of blocking its
 * partition.
 */
export async function startCatalogueConsumer(options: CatalogueConsumerOptions): Promise<CatalogueConsumer> {
  const { kafka, orm, replica, logger, topic } = options;
  const slice = options.sliceSize ?? DEFAULT_SLICE;
  const groupId = options.groupId ?? CATALOGUE_GROUP;
  const deadLetters = await createDeadLetterQueue({ kafka, groupId, topics: [topic], logger });
  // The topic appears with the connector's first change; auto-creation covers a consumer that starts first.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: true });
  const ready = consumerReadiness(consumer);
  await consumer.connect();
  await subscribeWhenReady(consumer, [topic], { fromBeginning: true });
  await consumer.run({
    // A partition retrying a failing slice must not hold up the others.
    partitionsConsumedConcurrently: DEFAULT_PARTITIONS,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      for (let start = 0; start < batch.messages.length; start += slice) {
        if (!payload.isRunning() || payload.isStale()) break;
        const messages = batch.messages.slice(start, start + slice);
        const last = messages.at(-1);
        if (!last) break;
        await applyWithDeadLetters(
          {
            topic: batch.topic,
            partition: batch.partition,
            messages,
            read: (message) => readProductChanged(message.value),
            apply: async (changes) => {
              const changed = await replica.apply({ em: orm.em.fork() }, changes);
              logger.debug({ partition: batch.partition, offset: last.offset, changed }, 'catalogue replica updated');
            },
          },
          { deadLetters, heartbeat: () => payload.heartbeat(), logger },
        );
        payload.resolveOffset(last.offset);
        await payload.heartbeat();
      }
      await payload.commitOffsetsIfNecessary();
    },
  });
  logger.info({ groupId, topic }, 'catalogue replica consuming');
  return {
    consumer,
    stop: async () => {
      await consumer.disconnect();
      await deadLetters.stop();
    },
    ready,
  };
}
