import { startChangeConsumer, type ChangeConsumer, type createKafka } from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { Registry } from '@emporium/telemetry';
import type { CatalogueIndexer, TableChanges } from '../../services/catalogue-indexer.ts';
import {
  CATALOGUE_TABLES,
  readChangeEvent,
  STOCK_TABLE,
  tableOfTopic,
  topicName,
  type ChangeEvent,
  type RowTypes,
  type SourceTable,
} from '../catalogue-change.event.ts';
import { freshnessRecorder } from './indexer.metrics.ts';

/** Options of {@link startIndexerConsumer}. */
export interface IndexerConsumerOptions {
  kafka: ReturnType<typeof createKafka>;
  /** The consumer group; its committed offsets are where a restarted indexer resumes. */
  groupId: string;
  /** Debezium's `topic.prefix` of the catalogue connector: topics are `<prefix>.public.<table>`. */
  topicPrefix: string;
  /** The topic of the cart service's inventory table (cdc-connectors/cart.json). */
  stockTopic: string;
  indexer: CatalogueIndexer;
  logger: Logger;
  /** Messages per bulk request; a Kafka batch larger than this is written in slices. */
  sliceSize?: number;
  /** The process's metrics: the group's consumption, and how fresh the index is (commit → indexed). */
  metrics?: Registry;
}

const DEFAULT_SLICE = 500;

/**
 * Consumes the catalogue's CDC topics and the stock topic in a consumer group and applies
 * each batch to the index. Offsets are resolved only after Elasticsearch acknowledged a
 * slice and committed after the batch, so a crash replays what was not written (external
 * versions make the replay harmless) and a restart resumes where the group left off. A new
 * group starts from the beginning of the topics, where the connectors' snapshots are. A
 * change that can never be read or indexed goes to its topic's dead-letter topic (see
 * applyWithDeadLetters) instead of blocking its partition.
 */
export function startIndexerConsumer(options: IndexerConsumerOptions): Promise<ChangeConsumer> {
  const { indexer, logger, topicPrefix, stockTopic } = options;
  const recordFreshness = options.metrics ? freshnessRecorder(options.metrics) : undefined;
  const tableOf = (topic: string): SourceTable | undefined =>
    topic === stockTopic ? STOCK_TABLE : tableOfTopic(topicPrefix, topic);
  return startChangeConsumer<ChangeEvent<RowTypes[SourceTable]>>({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [...CATALOGUE_TABLES.map((table) => topicName(topicPrefix, table)), stockTopic],
    logger,
    sliceSize: options.sliceSize ?? DEFAULT_SLICE,
    // One batch at a time across all topics, on purpose: a product change reads the seller
    // and category side documents that a seller or category change rewrites and propagates,
    // so applying both at once could write a product with a stale name. A poison message's
    // bounded retries (about two seconds) hold the others up that long, no more.
    concurrency: 1,
    reader: (topic) => {
      const table = tableOf(topic);
      return table ? (message) => readChangeEvent(table, message.value) : undefined;
    },
    apply: async (events, slice) => {
      // A slice is one partition of one topic, so of one table.
      const table = tableOf(slice.topic);
      if (!table) return;
      const outcome = await indexer.apply({ table, events } as TableChanges);
      // Acknowledged by Elasticsearch: these changes are searchable now (after its refresh interval).
      recordFreshness?.(table, events);
      logger.debug({ topic: slice.topic, partition: slice.partition, offset: slice.lastOffset, ...outcome }, 'indexed');
    },
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}
