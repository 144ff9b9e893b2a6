/**
 * The search indexer, a process of its own: config → Elasticsearch (index ensured) → Kafka
 * consumer group on the catalogue's CDC topics and the cart's stock topic → GET /health.
 * Run it beside the search subgraph; replicas share the topics' partitions through the
 * consumer group.
 */
import { exitWhenCrashed, runUntilSignalled, serveWorkerHealth } from '@emporium/graphql-server';
import { createElasticsearch, pingElasticsearch } from '@emporium/elasticsearch';
import { crashedForGood, createKafka } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readIndexerConfig } from '../config.ts';
import { ensureIndex, indexNames } from '../search-index/products-index.ts';
import { CatalogueIndexer } from './catalogue-indexer.ts';
import { startIndexerConsumer } from './indexer.consumer.ts';

const config = readIndexerConfig();
const logger = createLogger('search-indexer', { level: config.logLevel });
const client = createElasticsearch({ url: config.elasticsearchUrl });
const names = indexNames(config.indexAlias);
const created = await ensureIndex(client, names);
if (created) logger.info({ index: created, alias: names.alias }, 'created the first product index');

const kafka = createKafka({ clientId: 'search-indexer', brokers: config.brokers, logger });
const indexer = new CatalogueIndexer({ client, names, logger });
const running = await startIndexerConsumer({
  kafka,
  groupId: config.groupId,
  topicPrefix: config.topicPrefix,
  stockTopic: config.stockTopic,
  indexer,
  logger,
});

exitWhenCrashed(logger, 'indexer', crashedForGood(running.consumer));
const health = await serveWorkerHealth(config.port, config.host, {
  elasticsearch: () => pingElasticsearch(client),
  kafka: () => running.ready(),
});
logger.info({ port: config.port }, 'search indexer running');

runUntilSignalled(logger, async () => {
  health.close();
  await running.stop();
  await client.close();
});
