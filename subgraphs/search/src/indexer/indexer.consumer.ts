import { subscribeWhenReady, type Consumer, type createKafka } from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { CatalogueIndexer, TableChanges } from './catalogue-indexer.ts';
import {
  CATALOGUE_TABLES,
  InvalidChangeEvent,
  readChangeEvent,
  STOCK_TABLE,
  tableOfTopic,
  topicName,
  type SourceTable,
} from './change-event.ts';

/** Options of {@link startIndexerConsumer}. */
export interface IndexerConsumerOptions {
  kafka: ReturnType<typeof createKafka>;
  /** The consumer group; its committed offsets are where a restarted indexer resumes. */
  groupId: string;
  /** Debezium's `topic.prefix` of the catalogue connector: topics are `<prefix>.public.<table>`. */
  topicPrefix: string;
  /** The topic of the cart service's inventory table (cdc-connectors/stock.json). */
  stockTopic: string;
  indexer: CatalogueIndexer;
  logger: Logger;
  /** Messages per bulk request; a Kafka batch larger than this is written in slices. */
  sliceSize?: number;
}

/** A running indexer consumer. */
export interface IndexerConsumer {
  readonly consumer: Consumer;
  /** Finishes the batch in hand, commits, leaves the group. */
  stop(): Promise<void>;
}

const DEFAULT_SLICE = 500;

function sliceChanges(table: SourceTable, values: readonly (Buffer | null)[], logger: Logger): TableChanges {
  const events = values.flatMap((value) => {
    try {
      const event = readChangeEvent(table, value);
      return event ? [event] : [];
    } catch (error) {
      // A message that can never be read would block the partition forever: log it, skip it.
      if (!(error instanceof InvalidChangeEvent)) throw error;
      logger.error({ err: error, table }, 'skipping an unreadable change event');
      return [];
    }
  });
  return { table, events } as TableChanges;
}

/**
 * Consumes the catalogue's CDC topics and the stock topic in a consumer group and applies
 * each batch to the index. Offsets are resolved only after Elasticsearch acknowledged a
 * slice and committed after the batch, so a crash replays what was not written (external
 * versions make the replay harmless) and a restart resumes where the group left off. A new
 * group starts from the beginning of the topics, where the connectors' snapshots are.
 */
export async function startIndexerConsumer(options: IndexerConsumerOptions): Promise<IndexerConsumer> {
  const { kafka, indexer, logger, topicPrefix, stockTopic } = options;
  const slice = options.sliceSize ?? DEFAULT_SLICE;
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: true });
  await consumer.connect();
  const topics = [...CATALOGUE_TABLES.map((table) => topicName(topicPrefix, table)), stockTopic];
  const tableOf = (topic: string): SourceTable | undefined =>
    topic === stockTopic ? STOCK_TABLE : tableOfTopic(topicPrefix, topic);
  // A topic appears with the first change of its table; until then the broker creates it on
  // the first metadata request, which can briefly answer "leader not available".
  await subscribeWhenReady(consumer, topics, { fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const table = tableOf(batch.topic);
      if (!table) return;
      for (let start = 0; start < batch.messages.length; start += slice) {
        if (!payload.isRunning() || payload.isStale()) break;
        const messages = batch.messages.slice(start, start + slice);
        const last = messages.at(-1);
        if (!last) break;
        const outcome = await indexer.apply(
          sliceChanges(
            table,
            messages.map((message) => message.value),
            logger,
          ),
        );
        payload.resolveOffset(last.offset);
        logger.debug({ topic: batch.topic, partition: batch.partition, offset: last.offset, ...outcome }, 'indexed');
        await payload.heartbeat();
      }
      await payload.commitOffsetsIfNecessary();
    },
  });
  logger.info({ groupId: options.groupId, topics }, 'indexer consuming');
  return { consumer, stop: () => consumer.disconnect() };
}
