import {
  applyWithDeadLetters,
  consumerReadiness,
  createDeadLetterQueue,
  subscribeWhenReady,
  type Consumer,
  type createKafka,
} from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { Registry } from '@emporium/telemetry';
import type { CatalogueIndexer, TableChanges } from './catalogue-indexer.ts';
import {
  CATALOGUE_TABLES,
  readChangeEvent,
  STOCK_TABLE,
  tableOfTopic,
  topicName,
  type SourceTable,
} from './change-event.ts';
import { freshnessRecorder } from './indexer.metrics.ts';

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
  /** The process's metrics: how fresh the index is (commit → indexed) is recorded there. */
  metrics?: Registry;
}

/** A running indexer consumer. */
export interface IndexerConsumer {
  readonly consumer: Consumer;
  /** Finishes the batch in hand, commits, leaves the group. */
  stop(): Promise<void>;
  /** Readiness: resolves while the consumer is in its group and in touch with the brokers. */
  ready(): Promise<void>;
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
export async function startIndexerConsumer(options: IndexerConsumerOptions): Promise<IndexerConsumer> {
  const { kafka, indexer, logger, topicPrefix, stockTopic } = options;
  const slice = options.sliceSize ?? DEFAULT_SLICE;
  const recordFreshness = options.metrics ? freshnessRecorder(options.metrics) : undefined;
  const topics = [...CATALOGUE_TABLES.map((table) => topicName(topicPrefix, table)), stockTopic];
  const deadLetters = await createDeadLetterQueue({ kafka, groupId: options.groupId, topics, logger });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: true });
  const ready = consumerReadiness(consumer);
  await consumer.connect();
  const tableOf = (topic: string): SourceTable | undefined =>
    topic === stockTopic ? STOCK_TABLE : tableOfTopic(topicPrefix, topic);
  // A topic appears with the first change of its table; until then the broker creates it on
  // the first metadata request, which can briefly answer "leader not available".
  await subscribeWhenReady(consumer, topics, { fromBeginning: true });
  await consumer.run({
    // One batch at a time across all topics, on purpose: a product change reads the seller
    // and category side documents that a seller or category change rewrites and propagates,
    // so applying both at once could write a product with a stale name. A poison message's
    // bounded retries (about two seconds) hold the others up that long, no more.
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
        await applyWithDeadLetters(
          {
            topic: batch.topic,
            partition: batch.partition,
            messages,
            read: (message) => readChangeEvent(table, message.value),
            apply: async (events) => {
              const outcome = await indexer.apply({ table, events } as TableChanges);
              // Acknowledged by Elasticsearch: these changes are searchable now (after its refresh interval).
              recordFreshness?.(table, events);
              logger.debug(
                { topic: batch.topic, partition: batch.partition, offset: last.offset, ...outcome },
                'indexed',
              );
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
  logger.info({ groupId: options.groupId, topics }, 'indexer consuming');
  return {
    consumer,
    stop: async () => {
      await consumer.disconnect();
      await deadLetters.stop();
    },
    ready,
  };
}
