import type { MikroORM } from '@emporium/db';
import { DEFAULT_PARTITIONS, startChangeConsumer, type ChangeConsumer, type createKafka } from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { Registry } from '@emporium/telemetry';
import type { UnitOfWork } from '../../request.ts';
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
  /** The process's metrics: the group's messages, lag and batch durations. */
  metrics?: Registry;
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
export function startCatalogueConsumer(options: CatalogueConsumerOptions): Promise<ChangeConsumer> {
  const { orm, replica, logger } = options;
  const read = (message: { value: Buffer | null }): ProductChanged | null => readProductChanged(message.value);
  return startChangeConsumer({
    kafka: options.kafka,
    groupId: options.groupId ?? CATALOGUE_GROUP,
    topics: [options.topic],
    logger,
    sliceSize: options.sliceSize ?? DEFAULT_SLICE,
    // One product's changes stay on one partition; a partition retrying a failing slice must not hold up the others.
    concurrency: DEFAULT_PARTITIONS,
    reader: () => read,
    apply: async (changes, slice) => {
      const changed = await replica.apply({ em: orm.em.fork() }, changes);
      logger.debug({ partition: slice.partition, offset: slice.lastOffset, changed }, 'catalogue replica updated');
    },
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}
